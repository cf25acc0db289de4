package dev.sightline.slo.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloRegistryTest {
  @TempDir Path dir;

  static String slo(String name, String target) {
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata: {name: %s}
        spec:
          service: order
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: [{target: %s}]
          indicator:
            metadata: {name: %s-sli}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, status: ok}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: order}}}
        """
        .formatted(name, target, name);
  }

  SloRegistry registry() {
    return SloRegistry.builder()
        .directory(dir.resolve("slos"))
        .apiDirectory(dir.resolve("data/slos"))
        .build();
  }

  static void touch(Path file, String text, int secondsLater) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsLater)));
  }

  @Test
  void folderWithABadFile_goodSpecsLoad_problemsNameFileAndLine() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("good.yaml"), slo("good", "0.99"));
    Files.writeString(slos.resolve("bad.yaml"), slo("bad", "1.5"));

    SloRegistry r = registry();

    assertThat(r.slos()).extracting(s -> s.metadata().name()).containsExactly("good");
    assertThat(r.problems())
        .singleElement()
        .hasToString(
            slos.resolve("bad.yaml").getFileName()
                + ":8: spec.objectives[0].target: must be between 0 and 1, got 1.5");
    assertThat(r.source("good")).hasValue("good.yaml");
    assertThat(r.spec("good")).hasValue(slo("good", "0.99"));
    assertThat(r.spec("nope")).isEmpty();
  }

  @Test
  void specIsTheTextInForce_lastValidWhileBroken_andOfTheApi() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Path file = slos.resolve("order.yaml");
    Files.writeString(file, slo("order", "0.99"));
    SloRegistry r = registry();
    touch(file, slo("order", "0.99").replace("Occurrences", "Ocurrences"), 5);
    r.reload();
    assertThat(r.spec("order")).hasValue(slo("order", "0.99"));

    r.put(null, slo("sent", "0.95"));
    assertThat(r.spec("sent")).hasValue(slo("sent", "0.95"));
  }

  @Test
  void fileBrokenWhileRunning_lastValidVersionStays_untilFixed() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Path file = slos.resolve("order.yaml");
    Files.writeString(file, slo("order", "0.99"));
    SloRegistry r = registry();
    long v = r.version();

    touch(file, slo("order", "0.99").replace("Occurrences", "Ocurrences"), 5);
    assertThat(r.reload()).isTrue();

    assertThat(r.slos())
        .singleElement()
        .satisfies(s -> assertThat(s.objectives().get(0).target()).isEqualTo(0.99));
    assertThat(r.problems())
        .anySatisfy(p -> assertThat(p.field()).isEqualTo("spec.budgetingMethod"))
        .anySatisfy(p -> assertThat(p.message()).contains("last valid version"));

    touch(file, slo("order", "0.95"), 10);
    assertThat(r.reload()).isTrue();
    assertThat(r.problems()).isEmpty();
    assertThat(r.slos())
        .singleElement()
        .satisfies(s -> assertThat(s.objectives().get(0).target()).isEqualTo(0.95));
    assertThat(r.version()).isGreaterThan(v);
    assertThat(r.reload()).isFalse();
  }

  @Test
  void api_createReplaceDelete_keptAcrossRestart() {
    SloRegistry r = registry();
    r.put(null, slo("checkout", "0.99"));
    assertThat(r.source("checkout")).hasValue("api/checkout.yaml");

    assertThatThrownBy(() -> r.put(null, slo("checkout", "0.9")))
        .isInstanceOfSatisfying(
            SpecRejectedException.class, e -> assertThat(e.status()).isEqualTo(409));
    r.put("checkout", slo("checkout", "0.9"));
    assertThat(registry().slo("checkout"))
        .hasValueSatisfying(s -> assertThat(s.objectives().get(0).target()).isEqualTo(0.9));

    r.delete("checkout");
    assertThat(r.slos()).isEmpty();
    assertThat(registry().slos()).isEmpty();
  }

  @Test
  void api_rejectsInvalidSpecs_withFileLineProblems_andKeepsTheOthers() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("order.yaml"), slo("order", "0.99"));
    SloRegistry r = registry();

    assertThatThrownBy(() -> r.put(null, slo("bad", "2")))
        .isInstanceOfSatisfying(
            SpecRejectedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problems())
                  .singleElement()
                  .hasToString(
                      "api/bad.yaml:8: spec.objectives[0].target: must be between 0 and 1, got 2");
            });
    assertThatThrownBy(() -> r.put(null, "kind: [unclosed"))
        .isInstanceOfSatisfying(
            SpecRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> r.put("order", slo("order", "0.9")))
        .isInstanceOfSatisfying(
            SpecRejectedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.getMessage()).contains("order.yaml");
            });
    assertThatThrownBy(() -> r.put("other", slo("order2", "0.9")))
        .isInstanceOfSatisfying(
            SpecRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> r.delete("nope"))
        .isInstanceOfSatisfying(
            SpecRejectedException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(r.slos()).extracting(s -> s.metadata().name()).containsExactly("order");
  }

  @Test
  void api_nonStringOrUnsafeNames_are400_andWriteNoFile() throws Exception {
    SloRegistry r = registry();
    // YAML reads these as a number, a boolean and a date; the others are not DNS names
    for (String name :
        List.of("123", "true", "2024-01-01", "'../../etc/x'", "'.hidden'", "'A B'")) {
      String spec =
          slo("order", "0.99").replace("metadata: {name: order}", "metadata: {name: " + name + "}");
      assertThatThrownBy(() -> r.put(null, spec))
          .as(name)
          .isInstanceOfSatisfying(
              SpecRejectedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p.field()).endsWith("metadata.name"));
              });
    }
    Path api = dir.resolve("data/slos");
    if (Files.exists(api)) {
      try (var files = Files.list(api)) {
        assertThat(files).as("nothing written, no stray hidden file").isEmpty();
      }
    }
    assertThat(dir.resolve("etc")).doesNotExist();
    assertThat(r.slos()).isEmpty();
  }

  /** An SLO paging a target: inline with {@code target}, or by name when target is null. */
  static String paging(String name, @org.jspecify.annotations.Nullable String target) {
    String targets =
        target == null
            ? "[{targetRef: oncall}]"
            : "[{kind: AlertNotificationTarget, metadata: {name: hook}, spec: {target: \""
                + target
                + "\"}}]";
    return slo(name, "0.99")
        + """
          alertPolicies:
            - kind: AlertPolicy
              metadata: {name: page}
              spec:
                conditions:
                  - kind: AlertCondition
                    metadata: {name: fast}
                    spec:
                      severity: page
                      condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 0m}
                notificationTargets: %s
        """
            .formatted(targets);
  }

  static final String ONCALL =
      """
      apiVersion: openslo/v1
      kind: AlertNotificationTarget
      metadata: {name: oncall}
      spec: {target: "webhook:http://pager.internal.example:9000/hook"}
      """;

  @Test
  void api_inlineNotificationUrls_onlyToAllowedHosts_namedFolderTargetsAlways() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("targets.yaml"), ONCALL);
    SloRegistry r =
        SloRegistry.builder()
            .directory(slos)
            .apiDirectory(dir.resolve("data/slos"))
            .notificationUrls(
                dev.sightline.slo.notify.NotificationUrlPolicy.allowing(
                    List.of("hooks.example.com", "*.alerts.example.org")))
            .build();

    // SSRF: the server would post incident data to whatever URL a caller names
    for (String url :
        List.of(
            "webhook:http://169.254.169.254/latest/meta-data",
            "http://localhost:8420/api/v1/slos",
            "slack:https://hooks.example.com.evil.net/x",
            "alertmanager:http://alerts.example.org:9093")) {
      assertThatThrownBy(() -> r.put(null, paging("checkout", url)))
          .as(url)
          .isInstanceOfSatisfying(
              SpecRejectedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.problems())
                    .singleElement()
                    .satisfies(
                        p -> {
                          assertThat(p.field()).isEqualTo("spec.target");
                          assertThat(p.message()).contains("--notify-allowed-hosts");
                        });
              });
    }
    assertThat(r.slos()).isEmpty();
    // allowed hosts, and the folder's target by name
    assertThat(r.put(null, paging("a", "slack:https://hooks.example.com/T/B/x")).metadata().name())
        .isEqualTo("a");
    assertThat(r.put(null, paging("b", "webhook:https://eu.alerts.example.org/h"))).isNotNull();
    assertThat(r.put(null, paging("c", null)).alertPolicies().get(0).notificationTargets())
        .singleElement()
        .satisfies(t -> assertThat(t.target()).contains("pager.internal.example"));

    // a spec stored before the policy (written to the folder directly) is not put in force
    Files.writeString(
        dir.resolve("data/slos/old.yaml"), paging("old", "webhook:http://10.0.0.1/hook"));
    SloRegistry restarted =
        SloRegistry.builder().directory(slos).apiDirectory(dir.resolve("data/slos")).build();
    assertThat(restarted.slos()).extracting(x -> x.metadata().name()).doesNotContain("old");
    assertThat(restarted.problems())
        .anySatisfy(p -> assertThat(p.toString()).contains("api/old.yaml").contains("10.0.0.1"));
  }

  @Test
  void fileUnreadableWhileRunning_lastValidVersionStays_whenAnotherFileChanges() throws Exception {
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Path order = slos.resolve("order.yaml");
    Path other = slos.resolve("other.yaml");
    Files.writeString(order, slo("order", "0.99"));
    Files.writeString(other, slo("other", "0.99"));
    SloRegistry r = registry();

    Files.write(order, new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd});
    Files.setLastModifiedTime(order, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(r.reload()).isTrue();
    assertThat(r.slos()).extracting(s -> s.metadata().name()).contains("order");

    // an unrelated edit must not drop the last valid version of the still unreadable file
    touch(other, slo("other", "0.95"), 10);
    assertThat(r.reload()).isTrue();
    assertThat(r.slos()).extracting(s -> s.metadata().name()).contains("order", "other");
  }
}
