package dev.sightline.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one escaping helper, and the version switch of the schema (no server needed). */
class SqlTest {

  @Test
  void literal_escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Sql.literal("plain")).isEqualTo("'plain'");
    assertThat(Sql.literal("it's")).isEqualTo("'it\\'s'");
    assertThat(Sql.literal("a\\b")).isEqualTo("'a\\\\b'");
    assertThat(Sql.literal("l1\nl2\r\t\0")).isEqualTo("'l1\\nl2\\r\\t\\0'");
    assertThat(Sql.literal("\u0001\u007f")).isEqualTo("'\\x01\\x7F'");
    assertThat(Sql.literal("ünï €")).isEqualTo("'ünï €'");
    assertThat(Sql.literals(List.of("a", "b'"))).isEqualTo("'a', 'b\\''");
  }

  @Test
  void identifier_acceptsOnlyPlainNames() {
    assertThat(Sql.identifier("sightline_2")).isEqualTo("`sightline_2`");
    assertThatThrownBy(() -> Sql.identifier("a`b")).hasMessageContaining("identifier");
    assertThatThrownBy(() -> Sql.identifier("1abc")).hasMessageContaining("identifier");
    assertThatThrownBy(() -> Sql.identifier("")).hasMessageContaining("identifier");
  }

  @Test
  void serverVersion_newFeaturesFrom20_3() {
    assertThat(ClickHouseSchema.ServerVersion.parse("18.16.1").modern()).isFalse();
    assertThat(ClickHouseSchema.ServerVersion.parse("20.2.1.1").modern()).isFalse();
    assertThat(ClickHouseSchema.ServerVersion.parse("20.3.5.21").modern()).isTrue();
    assertThat(ClickHouseSchema.ServerVersion.parse("24.8.4.13").modern()).isTrue();
    assertThatThrownBy(() -> ClickHouseSchema.ServerVersion.parse("unknown"))
        .hasMessageContaining("unknown ClickHouse version");
  }

  @Test
  void days_areUtc_andClampedToTheDateRange() {
    assertThat(Days.of(0)).isEqualTo("1970-01-01");
    assertThat(Days.of(Days.NANOS_PER_DAY - 1)).isEqualTo("1970-01-01");
    assertThat(Days.of(Days.NANOS_PER_DAY)).isEqualTo("1970-01-02");
    assertThat(Days.of(Long.MAX_VALUE)).isEqualTo("2100-12-31");
    assertThat(Days.inDateRange(Long.MAX_VALUE)).isFalse();
    assertThatThrownBy(() -> Days.requireTime(-1, "span start")).hasMessageContaining("span start");
  }
}
