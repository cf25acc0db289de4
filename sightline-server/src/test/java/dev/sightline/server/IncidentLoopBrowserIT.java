package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.core.storage.TelemetryWriter;
import dev.sightline.testing.OpenSloExamples;
import dev.sightline.testing.scenarios.FaultKind;
import dev.sightline.testing.scenarios.FaultScenario;
import dev.sightline.testing.scenarios.TelemetryBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The closed loop in a real browser: a server with an availability SLO on checkout, its pages open
 * before anything is wrong; then a bad release of the shop's order service arrives (spans first,
 * their logs later, as log shippers do). Without a reload, the alert appears on {@code /alerts},
 * the incident on {@code /incidents}; the card names the culprit, compares critical paths and, once
 * the late logs are in, shows their patterns. Acknowledging with the button changes the status
 * everywhere; an action item and the resolution reach the post-mortem; the SLO page draws the
 * burn-rate charts with the alert as an annotation. Any console error fails the test; screenshots
 * go to {@code target/ui-screenshots/loop-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncidentLoopBrowserIT {
  static final String SLO_NAME = "checkout-availability";
  static final String SLO =
      OpenSloExamples.checkoutAvailability("P0", "[{displayName: checkout ok, target: 0.999}]");
  static final Duration LIVE = Duration.ofSeconds(90);

  @TempDir static Path dir;
  static TestServer server;
  static HeadlessChromium browser;
  static WebDriver driver;
  static FaultScenario scenario;
  static String incidentId;

  @BeforeAll
  static void start() throws Exception {
    browser = HeadlessChromium.start();
    driver = browser.driver();
    Path slos = Files.createDirectories(dir.resolve("slos"));
    Files.writeString(slos.resolve("checkout.yaml"), SLO);
    server =
        TestServer.start(
            dir.resolve("data"), "slo-dir", slos.toString(), "slo-eval-interval", "1s");
    scenario =
        FaultScenario.builder(FaultKind.BAD_RELEASE)
            .baseline(Duration.ofMinutes(30))
            .faultDuration(Duration.ofMinutes(4))
            .requestsPerSecond(2)
            .build();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
  }

  @AfterEach
  void noConsoleErrors() {
    browser.assertNoConsoleErrors();
  }

  static void open(String pathAndQuery) {
    driver.get(server.api() + pathAndQuery);
  }

  /** Marks the loaded document: the mark survives client-side navigation, not a reload. */
  static void markDocument() {
    ((JavascriptExecutor) driver).executeScript("window.__sightlineNoReload = true;");
  }

  static void assertNotReloaded() {
    assertThat(
            ((JavascriptExecutor) driver)
                .executeScript("return window.__sightlineNoReload === true;"))
        .as("the page was not reloaded")
        .isEqualTo(true);
  }

  /** Follows an in-app link the way a user does (the router handles it without a reload). */
  static void click(By by) {
    browser.waiting().until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  static String text(By by) {
    return browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(by)).getText();
  }

  static By testId(String id) {
    return By.cssSelector("[data-testid=" + id + "]");
  }

  static void write(boolean spans) throws InterruptedException, ExecutionException {
    TelemetryWriter writer = server.server.storage().writer();
    for (TelemetryBatch batch : scenario.telemetry()) {
      if (spans) writer.writeSpans(batch.spans()).get();
      else writer.writeLogs(batch.logs()).get();
    }
  }

  @Test
  @Order(1)
  void alertThenIncidentAppearWithoutAReload() throws Exception {
    open("/alerts");
    browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(testId("empty")));
    browser.screenshot("loop-alerts-empty");
    markDocument();

    write(true); // the bad release's spans; its logs come later

    By firing = By.cssSelector("[data-testid=alert-row][data-state=firing]");
    browser.waiting(LIVE).until(ExpectedConditions.visibilityOfElementLocated(firing));
    assertNotReloaded();
    assertThat(driver.findElement(firing).getAttribute("data-slo")).isEqualTo(SLO_NAME);
    assertThat(driver.findElement(firing).getText()).contains("P0");
    browser.screenshot("loop-alerts-firing");

    click(By.cssSelector("nav a[href^='/incidents']"));
    By row = testId("incident-row");
    browser.waiting(LIVE).until(ExpectedConditions.visibilityOfElementLocated(row));
    assertNotReloaded();
    WebElement incident = driver.findElement(row);
    incidentId = incident.getAttribute("data-id");
    assertThat(incidentId).startsWith("inc-");
    assertThat(incident.getAttribute("data-status")).isEqualTo("open");
    browser
        .waiting(LIVE)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                row, "Shop.OrderService.PlaceOrder"));
    browser.screenshot("loop-incidents");
  }

  @Test
  @Order(2)
  void theCardNamesTheCulpritComparesCriticalPathsAndGetsTheLateLogPatterns() throws Exception {
    click(By.cssSelector("[data-testid=incident-row] a[href*='/incidents/" + incidentId + "']"));
    browser.waiting().until(ExpectedConditions.urlContains("/incidents/" + incidentId));
    String rootCause = text(testId("root-cause"));
    assertThat(rootCause).contains("order").contains("Shop.OrderService.PlaceOrder");
    assertThat(text(testId("critical-path-compare"))).contains("Shop.OrderService.PlaceOrder");
    assertThat(text(testId("error-groups"))).contains("NullPointerException");
    assertThat(text(testId("changes-timeline"))).contains("1.5.0");
    // the logs arrive after the incident opened: the open card picks up their patterns
    markDocument();
    write(false);
    browser
        .waiting(LIVE)
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=log-pattern]")));
    assertNotReloaded();
    browser.screenshot("loop-incident-card");

    // a bad trace against a baseline trace
    click(By.cssSelector("a[href^='/compare?']"));
    browser.waiting().until(ExpectedConditions.urlContains("/compare?"));
    assertThat(text(testId("compare-deltas"))).contains("Shop.OrderService.PlaceOrder");
    browser.screenshot("loop-compare");
    driver.navigate().back();
    browser.waiting().until(ExpectedConditions.urlContains("/incidents/" + incidentId));
  }

  @Test
  @Order(3)
  void acknowledgingWithTheButtonChangesTheStatusEverywhere() {
    open("/incidents/" + incidentId);
    WebElement name =
        browser
            .waiting()
            .until(ExpectedConditions.visibilityOfElementLocated(testId("responder-name")));
    name.clear();
    name.sendKeys("alice");
    click(testId("ack-button"));
    browser
        .waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                testId("incident-status"), "acknowledged"));
    assertThat(text(testId("timeline"))).contains("acknowledged by alice");

    click(By.cssSelector("nav a[href^='/incidents']"));
    browser
        .waiting()
        .until(
            ExpectedConditions.attributeToBe(
                By.cssSelector("[data-testid=incident-row][data-id='" + incidentId + "']"),
                "data-status",
                "acknowledged"));
    click(By.cssSelector("nav a.brand"));
    browser
        .waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                testId("open-incident-list"), "acknowledged"));
    assertThat(text(testId("firing-alert-list"))).contains(SLO_NAME);
    browser.screenshot("loop-overview");
  }

  @Test
  @Order(4)
  void actionItemsAndTheResolutionReachThePostmortem() {
    open("/incidents/" + incidentId);
    WebElement item =
        browser
            .waiting()
            .until(ExpectedConditions.visibilityOfElementLocated(testId("action-item-text")));
    item.sendKeys("add a canary stage for order <script>alert(1)</script>");
    click(testId("action-item-add"));
    browser
        .waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                testId("action-items"), "add a canary stage"));
    click(testId("action-item-done"));
    browser
        .waiting()
        .until(ExpectedConditions.elementSelectionStateToBe(testId("action-item-done"), true));
    click(testId("resolve-button"));
    browser
        .waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                testId("incident-status"), "resolved"));
    assertThat(text(testId("verification"))).containsIgnoringCase("verif");
    browser.screenshot("loop-incident-resolved");

    click(testId("postmortem-link"));
    browser
        .waiting()
        .until(ExpectedConditions.urlContains("/incidents/" + incidentId + "/postmortem"));
    String postmortem = text(testId("postmortem"));
    assertThat(postmortem)
        .contains("Post-mortem")
        .contains("add a canary stage for order <script>alert(1)</script>")
        .contains("resolved");
    // rendered as text: no element came from the item's markup
    assertThat(driver.findElements(By.cssSelector("[data-testid=postmortem] script"))).isEmpty();
    assertThat(driver.findElement(testId("postmortem-download")).getAttribute("href"))
        .endsWith("/api/v1/incidents/" + incidentId + "/postmortem");
    browser.screenshot("loop-postmortem");
  }

  @Test
  @Order(5)
  void theSloPageDrawsBurnRateChartsWithTheAlertAnnotation() {
    open("/slos");
    By row = By.cssSelector("[data-testid=slo-row][data-slo='" + SLO_NAME + "']");
    browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(row));
    browser.screenshot("loop-slos");
    click(By.cssSelector("[data-testid=slo-row][data-slo='" + SLO_NAME + "'] a[href^='/slos/']"));
    browser.waiting().until(ExpectedConditions.urlContains("/slos/" + SLO_NAME));
    By charts = By.cssSelector("[data-testid=burn-rate-chart] canvas");
    browser.waiting().until(ExpectedConditions.numberOfElementsToBeMoreThan(charts, 0));
    List<String> rules =
        driver.findElements(testId("burn-rate-chart")).stream()
            .map(e -> e.getAttribute("data-rule"))
            .collect(Collectors.toList());
    assertThat(rules).isNotEmpty().doesNotContainNull();
    browser
        .waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=annotation][data-kind=alert-fired]")));
    browser.screenshot("loop-slo");
  }
}
