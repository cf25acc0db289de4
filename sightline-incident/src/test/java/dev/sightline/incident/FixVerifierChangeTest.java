package dev.sightline.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.ServiceVersion;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which version changes start a verification ({@link FixVerifier#change}). */
class FixVerifierChangeTest {
  static final long CUT = 1_000_000;
  static final Set<String> IMPLICATED = Set.of("order", "frontend");

  static ServiceVersion v(String service, String version, long first, long last) {
    return new ServiceVersion(service, version, first, last, 10);
  }

  @Test
  void newVersion_isAChange() {
    FixVerifier.Change c =
        FixVerifier.change(
            IMPLICATED,
            List.of(v("order", "1.5.0", 10, CUT - 5)),
            List.of(
                v("order", "1.5.0", CUT + 1, CUT + 50), v("order", "1.5.1", CUT + 60, CUT + 90)),
            CUT - 100,
            CUT);
    assertThat(c).isEqualTo(new FixVerifier.Change("order", "1.5.1", "1.5.0", false, CUT + 60));
  }

  @Test
  void returnToAnEarlierVersion_isARollback() {
    FixVerifier.Change c =
        FixVerifier.change(
            IMPLICATED,
            List.of(v("order", "1.4.2", 1, 500), v("order", "1.5.0", 501, CUT - 5)),
            List.of(
                v("order", "1.5.0", CUT + 1, CUT + 50), v("order", "1.4.2", CUT + 60, CUT + 90)),
            CUT - 100,
            CUT);
    assertThat(c).isEqualTo(new FixVerifier.Change("order", "1.4.2", "1.5.0", true, CUT + 60));
  }

  @Test
  void theVersionRunningAtTheCut_theOnesOfOtherServices_andNoPriorVersion_areNoChange() {
    // still 1.5.0; payment is not implicated
    assertThat(
            FixVerifier.change(
                IMPLICATED,
                List.of(v("order", "1.5.0", 10, CUT - 5), v("payment", "2.0.7", 10, CUT - 5)),
                List.of(v("order", "1.5.0", CUT + 1, CUT + 50), v("payment", "2.0.8", CUT + 9, 99)),
                CUT - 100,
                CUT))
        .isNull();
    // nothing of order ran just before the cut: its first version after is no change
    assertThat(
            FixVerifier.change(
                IMPLICATED, List.of(), List.of(v("order", "1.5.0", CUT + 1, CUT + 50)), 0, CUT))
        .isNull();
    // a regressed round cuts at the change it checked: that version, first seen at the cut, runs
    assertThat(
            FixVerifier.change(
                IMPLICATED,
                List.of(v("order", "1.5.0", 10, CUT - 5), v("order", "1.4.2", CUT, CUT)),
                List.of(v("order", "1.4.2", CUT, CUT + 90)),
                CUT - 100,
                CUT))
        .isNull();
  }
}
