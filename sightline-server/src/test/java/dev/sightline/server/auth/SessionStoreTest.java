package dev.sightline.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
  @Test
  void sessionsExpireWhenIdleAndAreCapped() {
    AtomicLong now = new AtomicLong();
    SessionStore store = new SessionStore(now::get, 2);
    String a = store.create("t1");
    assertThat(a).hasSize(43).isNotEqualTo(store.create("t1"));
    assertThat(store.tokenId(a)).isEqualTo("t1");
    now.addAndGet(SessionStore.IDLE.toNanos() - 1);
    assertThat(store.tokenId(a)).as("used just before the idle limit").isEqualTo("t1");
    now.addAndGet(SessionStore.IDLE.toNanos() + 1);
    assertThat(store.tokenId(a)).isNull();

    String b = store.create("t2");
    now.incrementAndGet();
    String c = store.create("t3");
    now.incrementAndGet();
    store.tokenId(b);
    String d = store.create("t4"); // replaces the least recently used: c
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.tokenId(c)).isNull();
    assertThat(store.tokenId(b)).isEqualTo("t2");
    assertThat(store.tokenId(d)).isEqualTo("t4");
    store.remove(d);
    assertThat(store.tokenId(d)).isNull();
  }

  @Test
  void hostCheckAllowsLoopbackNamesAndTheExternalUrl() {
    HostCheck check = new HostCheck("https://sightline.example.com:8443/x");
    assertThat(check.allowed("localhost:8420")).isTrue();
    assertThat(check.allowed("127.0.0.1")).isTrue();
    assertThat(check.allowed("[::1]:8420")).isTrue();
    assertThat(check.allowed("LOCALHOST.:1")).isTrue();
    assertThat(check.allowed("sightline.example.com")).isTrue();
    assertThat(check.allowed("evil.example:8420")).isFalse();
    assertThat(check.allowed("127.0.0.2:8420")).isFalse();
    assertThat(check.allowed("localhost.evil.example")).isFalse();
  }
}
