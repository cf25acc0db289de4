package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, driven
 * by Selenium, nothing downloaded) against a real server fed with {@link UiScenario} through the
 * OpenTelemetry SDK. Every step waits on what a user would see; any browser console error fails the
 * test; each page is saved to {@code target/ui-screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UiBrowserIT {

  @TempDir static Path dataDir;
  static TestServer server;
  static UiScenario scenario;
  static HeadlessChromium browser;
  static WebDriver driver;

  @BeforeAll
  static void start() {
    browser = HeadlessChromium.start();
    driver = browser.driver();
    server = TestServer.start(dataDir);
    scenario = UiScenario.send(server);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
  }

  /** A console error (a failed request, an exception) on any page fails the test. */
  @AfterEach
  void noConsoleErrors() {
    browser.assertNoConsoleErrors();
  }

  static void open(String pathAndQuery) {
    driver.get(server.api() + pathAndQuery);
  }

  static WebDriverWait waiting() {
    return browser.waiting();
  }

  static void screenshot(String name) {
    browser.screenshot(name);
  }

  static List<String> texts(By by) {
    return driver.findElements(by).stream().map(WebElement::getText).collect(Collectors.toList());
  }

  @Test
  @Order(1)
  void overviewListsEveryServiceWithItsRate() {
    open("/");
    By rows = By.cssSelector("[data-testid=services] tbody tr");
    waiting().until(ExpectedConditions.numberOfElementsToBe(rows, 4));
    // sparklines are loaded per row: wait for all four to draw
    waiting()
        .until(
            ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("[data-testid=services] svg.sparkline path"), 4));
    List<WebElement> trs = driver.findElements(rows);
    List<String> names = new ArrayList<>();
    for (WebElement tr : trs) {
      List<WebElement> cells = tr.findElements(By.tagName("td"));
      names.add(cells.get(0).getText());
      assertThat(cells.get(1).getText())
          .as("rate of " + cells.get(0).getText())
          .matches("[0-9.]+/s")
          .isNotEqualTo("0/s");
    }
    assertThat(names).containsExactly("frontend", "inventory", "order", "payment");
    // the live alert and incident lists load on their own: wait for the all-clear line
    waiting()
        .until(
            ExpectedConditions.textToBe(By.cssSelector("[data-testid=firing-alerts] .value"), "0"));
    screenshot("overview");
  }

  @Test
  @Order(2)
  void searchByServiceAndAttributeFindsTheTraceAndPlotsIt() {
    open("/traces?service=frontend&attr.customer.tier=gold");
    By results = By.cssSelector("[data-testid=trace-results] tbody tr");
    waiting().until(ExpectedConditions.numberOfElementsToBe(results, 1));
    String row = driver.findElement(results).getText();
    assertThat(row).contains("frontend").contains("GET /checkout").contains("1.2 s");
    assertThat(row).contains("inventory").contains("payment");
    // the scatter draws one dot, in the error colour, linking to the trace
    By dots = By.cssSelector("[data-testid=trace-scatter] a.mark");
    waiting().until(ExpectedConditions.numberOfElementsToBe(dots, 1));
    WebElement dot = driver.findElement(dots);
    assertThat(dot.getAttribute("data-kind")).isEqualTo("trace-error");
    assertThat(dot.getAttribute("href")).endsWith("/traces/" + scenario.goldTraceId);
    // the form shows the URL's filters
    assertThat(driver.findElement(By.name("service")).getAttribute("value")).isEqualTo("frontend");
    assertThat(driver.findElement(By.name("attributes")).getAttribute("value"))
        .isEqualTo("customer.tier=gold");
    screenshot("traces");
    dot.click();
    waiting().until(ExpectedConditions.urlContains("/traces/" + scenario.goldTraceId));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".wf-row")));
  }

  @Test
  @Order(3)
  void traceShowsTheSpanTreeTheErrorAndItsLog() {
    open("/traces/" + scenario.goldTraceId);
    By rows = By.cssSelector(".wf-row");
    waiting().until(ExpectedConditions.numberOfElementsToBe(rows, 7));
    List<String> tree = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (WebElement r : driver.findElements(rows)) {
      String label =
          r.getAttribute("data-depth") + " " + r.findElement(By.className("wf-label")).getText();
      tree.add(label);
      if ("true".equals(r.getAttribute("data-error"))) errors.add(label);
    }
    assertThat(tree)
        .containsExactly(
            "0 frontend GET /checkout",
            "1 frontend POST /orders",
            "2 order Shop.Order.Place",
            "3 order Reserve",
            "4 inventory Inventory.Reserve",
            "3 order Charge",
            "4 payment Payment.Charge");
    assertThat(errors).containsExactly("2 order Shop.Order.Place", "4 inventory Inventory.Reserve");
    // the error span's detail: status, the exception with its stack trace, its log line
    driver.findElement(By.cssSelector(".wf-row[data-error=true][aria-level='5']")).click();
    WebElement detail =
        waiting()
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid=span-detail]")));
    waiting().until(ExpectedConditions.textToBePresentInElement(detail, UiScenario.FAILURE_LOG));
    assertThat(detail.getText())
        .contains("ERROR: no stock left")
        .contains("java.lang.IllegalStateException: no stock left for sku-42")
        .contains("UiScenario.checkout");
    assertThat(driver.getCurrentUrl()).contains("span=");
    // the critical path toggle marks the spans the root waited on
    driver.findElement(By.cssSelector("[data-testid=critical-toggle]")).click();
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".wf-row[data-critical=true]")));
    assertThat(driver.findElements(By.cssSelector(".wf-row[data-critical=true]")))
        .hasSizeGreaterThanOrEqualTo(3);
    screenshot("trace");
    // dragging over the second half of the minimap zooms there: only the root lasts that long
    WebElement strip = driver.findElement(By.cssSelector("[data-testid=minimap] .minimap-strip"));
    int half = strip.getSize().getWidth() / 2;
    new Actions(driver)
        .moveToElement(strip, 0, 0)
        .clickAndHold()
        .moveToElement(strip, half - 2, 0)
        .release()
        .perform();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".wf-bar"), 1));
    driver.findElement(By.xpath("//button[text()='Reset zoom']")).click();
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".wf-bar"), 7));
    // the trace's logs tab lists the line, which jumps back to its span
    driver.findElement(By.cssSelector("[data-testid=logs-tab]")).click();
    WebElement logs =
        waiting()
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid=trace-logs]")));
    assertThat(logs.getText())
        .contains(UiScenario.FAILURE_LOG)
        .contains("ERROR")
        .contains("inventory");
    logs.findElement(By.linkText("span →")).click();
    waiting()
        .until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=span-detail]")));
    assertThat(driver.findElement(By.cssSelector("[data-testid=span-detail] h3")).getText())
        .isEqualTo("inventory · Inventory.Reserve");
    // keyboard: the arrow keys move the selection through the rows
    driver.findElement(By.cssSelector(".wf-scroll")).sendKeys(Keys.ARROW_DOWN);
    waiting()
        .until(
            ExpectedConditions.textToBe(
                By.cssSelector("[data-testid=span-detail] h3"), "order · Charge"));
    driver.findElement(By.cssSelector(".wf-scroll")).sendKeys(Keys.ARROW_UP, Keys.ARROW_UP);
    waiting()
        .until(
            ExpectedConditions.textToBe(
                By.cssSelector("[data-testid=span-detail] h3"), "order · Reserve"));
  }

  @Test
  @Order(4)
  void serviceMapShowsTheCallsBetweenServices() {
    open("/service-map");
    By edges = By.cssSelector("[data-testid=service-map] g.edge");
    waiting().until(ExpectedConditions.numberOfElementsToBe(edges, 3));
    List<String> drawn = new ArrayList<>();
    for (WebElement e : driver.findElements(edges)) drawn.add(e.getAttribute("data-edge"));
    assertThat(drawn)
        .containsExactlyInAnyOrder("frontend->order", "order->inventory", "order->payment");
    // the failing reservation makes its edge and the inventory node stand out
    assertThat(
            driver
                .findElement(By.cssSelector("g.edge[data-edge='order->inventory']"))
                .getAttribute("class"))
        .contains("bad");
    assertThat(
            driver
                .findElement(By.cssSelector("g.node[data-service=inventory]"))
                .getAttribute("class"))
        .contains("bad");
    assertThat(
            driver
                .findElement(By.cssSelector("g.edge[data-edge='order->payment']"))
                .getAttribute("class"))
        .doesNotContain("bad");
    screenshot("service-map");
    driver.findElement(By.cssSelector("g.node[data-service=payment]")).click();
    waiting().until(ExpectedConditions.urlContains("/services/payment"));
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-testid=red-charts] canvas")));
    WebElement ops =
        waiting()
            .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table.table")));
    assertThat(ops.getText()).contains("Payment.Charge");
    screenshot("service");
  }

  @Test
  @Order(5)
  void metricChartDrawsAnExemplarThatOpensItsTrace() {
    open("/metrics?name=" + UiScenario.METRIC);
    By exemplar = By.cssSelector("[data-testid=metric-chart] a.mark-exemplar");
    waiting().until(ExpectedConditions.numberOfElementsToBe(exemplar, 1));
    assertThat(driver.findElements(By.cssSelector("[data-testid=metric-chart] canvas")))
        .isNotEmpty();
    screenshot("metrics");
    driver.findElement(exemplar).click();
    waiting().until(ExpectedConditions.urlContains("/traces/" + scenario.goldTraceId));
    waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".wf-row"), 7));
  }

  @Test
  @Order(6)
  void logsSearchShowsSeverityAndLinksToTheSpan() {
    open("/logs?service=inventory&severityMin=WARN");
    WebElement results =
        waiting()
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid=log-results]")));
    assertThat(texts(By.cssSelector("[data-testid=log-line]"))).hasSize(1);
    assertThat(results.getText()).contains(UiScenario.FAILURE_LOG);
    assertThat(results.findElement(By.cssSelector(".sev")).getAttribute("class"))
        .contains("sev-error");
    screenshot("logs");
    // live tail: a record sent now appears without a reload
    driver.findElement(By.cssSelector("[data-testid=live-tail]")).click();
    waiting().until(ExpectedConditions.urlContains("live=on"));
    long now = System.currentTimeMillis() * 1_000_000L;
    String body =
        """
        {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "inventory"}}]},
          "scopeLogs": [{"scope": {"name": "it"}, "logRecords": [{"timeUnixNano": "%d",
            "severityNumber": 13, "severityText": "WARN", "body": {"stringValue": "restock of sku-42 delayed"}}]}]}]}
        """
            .formatted(now);
    assertThat(
            server
                .post("/v1/logs", "application/json", body.getBytes(StandardCharsets.UTF_8))
                .statusCode())
        .isEqualTo(200);
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-testid=log-results]"), "restock of sku-42 delayed"));
    assertThat(texts(By.cssSelector("[data-testid=log-line]"))).hasSize(2);
    driver
        .findElement(
            By.xpath(
                "//*[@data-testid='log-line'][contains(., '" + UiScenario.FAILURE_LOG + "')]//a"))
        .click();
    waiting().until(ExpectedConditions.urlContains("/traces/" + scenario.goldTraceId));
    waiting()
        .until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("[data-testid=span-detail]")));
  }

  @Test
  @Order(7)
  void anApiErrorIsAReadableMessage() {
    open("/traces?minDurationMs=abc");
    WebElement error =
        waiting()
            .until(
                ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("[data-testid=error]")));
    assertThat(error.getText()).contains("minDurationMs");
    // the browser logs the failed request (400) itself: proof that console errors reach the check
    // after each test; this expected one is taken out of the log here
    List<String> severe = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) severe.add(e.getMessage());
    }
    assertThat(severe).singleElement().asString().contains("/api/v1/traces").contains("400");
  }

  /**
   * A benchmark more than a test (figures printed and written to target/ui-perf.txt, not asserted):
   * a 10,000-span trace from navigation to its first rows, and frame times while scrolling the
   * waterfall from top to bottom. Asserted: the rows are virtualised and the last span is
   * reachable.
   */
  @Test
  @Order(8)
  void aTenThousandSpanTraceStaysFluid() throws IOException {
    String traceId = UiScenario.sendLargeTrace(server);
    open("/");
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid=services]")));
    long apiStart = System.nanoTime();
    assertThat(server.get("/api/v1/traces/" + traceId).status()).isEqualTo(200);
    long apiMs = (System.nanoTime() - apiStart) / 1_000_000;
    long start = System.nanoTime();
    open("/traces/" + traceId);
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".wf-row")));
    long interactiveMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(driver.findElement(By.cssSelector(".wf-header .wf-name")).getText())
        .contains("10000 rows");
    assertThat(driver.findElements(By.cssSelector(".wf-row")).size()).isLessThan(100);
    @SuppressWarnings("unchecked")
    Map<String, Object> frames =
        (Map<String, Object>)
            ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeAsyncScript(
                    """
                    const done = arguments[arguments.length - 1];
                    const el = document.querySelector('.wf-scroll');
                    const times = [];
                    let last = performance.now();
                    function step() {
                      const now = performance.now();
                      times.push(now - last);
                      last = now;
                      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) {
                        times.sort((a, b) => a - b);
                        const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
                        done({frames: times.length, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]});
                        return;
                      }
                      el.scrollTop += 2400;
                      requestAnimationFrame(step);
                    }
                    requestAnimationFrame(step);
                    """);
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector(".wf-scroll"), "inventory Row 99"));
    screenshot("trace-10000-spans");
    String report =
        String.format(
            "10,000-span trace: navigation to first waterfall rows %d ms (of which the API answers"
                + " the trace in about %d ms); scrolling top to bottom in %s frames, frame time p50"
                + " %.1f ms, p95 %.1f ms, max %.1f ms%n",
            interactiveMs,
            apiMs,
            frames.get("frames"),
            ((Number) frames.get("p50")).doubleValue(),
            ((Number) frames.get("p95")).doubleValue(),
            ((Number) frames.get("max")).doubleValue());
    System.out.print(report);
    Files.writeString(Path.of("target", "ui-perf.txt"), report);
  }
}
