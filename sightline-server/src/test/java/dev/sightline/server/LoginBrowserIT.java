package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.server.auth.Role;
import dev.sightline.server.auth.TokenFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Signing in to the web UI in real headless Chromium: a page without a session goes to {@code
 * /login?next=...}, a wrong token is refused with a readable message, the right one goes back and
 * shows that tenant's services only; signing out ends the session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginBrowserIT {
  @TempDir static Path dir;
  HeadlessChromium browser;
  WebDriver driver;
  TestServer server;
  String read;

  @BeforeAll
  void start() throws Exception {
    Path authFile = dir.resolve("tokens.json");
    String ingestA = TokenFile.create(authFile, "", "acme", Set.of(Role.INGEST)).token();
    String ingestB = TokenFile.create(authFile, "", "globex", Set.of(Role.INGEST)).token();
    read = TokenFile.create(authFile, "on-call", "acme", Set.of(Role.READ)).token();
    browser = HeadlessChromium.start();
    driver = browser.driver();
    server = TestServer.start(dir.resolve("data"), "auth-file", authFile.toString());
    byte[] a = AuthIT.spans("login-svc", new ArrayList<>()).toByteArray();
    byte[] b = AuthIT.spans("other-tenant-svc", new ArrayList<>()).toByteArray();
    assertThat(
            server
                .post(
                    "/v1/traces", "application/x-protobuf", a, "Authorization", "Bearer " + ingestA)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            server
                .post(
                    "/v1/traces", "application/x-protobuf", b, "Authorization", "Bearer " + ingestB)
                .statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
  }

  /** Only the expected 401s (requests made before signing in) may reach the console. */
  @AfterEach
  void onlyUnauthorizedRequestsInTheConsole() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("401")) {
        errors.add(e.getMessage());
      }
    }
    assertThat(errors).as("browser console errors").isEmpty();
  }

  @Test
  void signInGoesBackAndShowsTheTenantsDataSignOutEndsIt() {
    driver.get(server.api() + "/?range=1h");
    browser.waiting().until(ExpectedConditions.urlContains("/login?next="));
    assertThat(driver.getCurrentUrl()).endsWith("/login?next=%2F%3Frange%3D1h");
    By token = By.cssSelector("[data-testid=token]");
    browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(token));
    browser.screenshot("login");

    driver.findElement(token).sendKeys("sl_00000000_wrong");
    driver.findElement(By.cssSelector("[data-testid=login-form] button[type=submit]")).click();
    browser
        .waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[role=alert]"), "not valid"));

    driver.findElement(token).clear();
    driver.findElement(token).sendKeys(read);
    driver.findElement(By.cssSelector("[data-testid=login-form] button[type=submit]")).click();
    browser.waiting().until(ExpectedConditions.urlToBe(server.api() + "/?range=1h"));
    By rows = By.cssSelector("[data-testid=services] tbody tr");
    browser.waiting().until(ExpectedConditions.numberOfElementsToBe(rows, 1));
    assertThat(driver.findElement(rows).getText()).contains("login-svc");
    assertThat(driver.getPageSource()).doesNotContain("other-tenant-svc").doesNotContain(read);
    browser.screenshot("login-signed-in");

    driver.get(server.api() + "/login");
    By signedIn = By.cssSelector("[data-testid=signed-in]");
    browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(signedIn));
    assertThat(driver.findElement(signedIn).getText()).contains("on-call").contains("acme");
    driver.findElement(By.cssSelector("[data-testid=sign-out]")).click();
    browser.waiting().until(ExpectedConditions.visibilityOfElementLocated(token));

    driver.get(server.api() + "/traces");
    browser.waiting().until(ExpectedConditions.urlContains("/login?next=%2Ftraces"));
  }

  @Test
  void withoutAuthenticationTheLoginPageSaysSo() {
    try (TestServer open = TestServer.start(dir.resolve("open"))) {
      driver.get(open.api() + "/login");
      browser
          .waiting()
          .until(
              ExpectedConditions.visibilityOfElementLocated(
                  By.cssSelector("[data-testid=auth-off]")));
    }
  }
}
