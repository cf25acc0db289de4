package dev.sightline.testing.scenarios;

/**
 * The faults a {@link FaultScenario} can inject into the shop. Each constant documents what breaks,
 * the culprit an investigation should name and the SLO scope that should alert.
 */
public enum FaultKind {
  /** No fault: the base error rate stays below 0.1 % and no SLO should alert. */
  HEALTHY,
  /**
   * Inventory's {@code SELECT inventory} query on postgres slows to seconds (statement timeout 3 s
   * fails about a third of them); order's call to inventory times out after 2000 ms. Culprit:
   * inventory, {@code SELECT inventory}. Alerting scope: frontend {@code GET /checkout}.
   */
  SLOW_DB_QUERY,
  /**
   * Payment's call to the external provider ({@code POST /v1/charges}) answers 503 on about 40 % of
   * calls; payment, order and frontend fail. Culprit: payment, {@code Shop.PaymentService.Charge}.
   * Alerting scope: frontend {@code GET /checkout}.
   */
  DEPENDENCY_ERRORS,
  /**
   * Orders of tenant {@code acme} (about a quarter of traffic) fail validation in order. Culprit:
   * order, {@code Shop.OrderService.PlaceOrder}, {@code tenant.id=acme}. Alerting scope: frontend
   * {@code GET /checkout}.
   */
  SINGLE_TENANT,
  /**
   * Order is redeployed as version 1.5.0 at the fault start and throws a NullPointerException on
   * about 25 % of orders. Culprit: order, {@code Shop.OrderService.PlaceOrder}, {@code
   * service.version=1.5.0}. Alerting scope: frontend {@code GET /checkout}.
   */
  BAD_RELEASE,
  /**
   * Shipping's consumer of {@code orders.shipping} slows to seconds per message, the lag grows and
   * messages over the 3 s processing deadline fail. Culprit: shipping, {@code orders.shipping
   * process}. Alerting scope: shipping {@code orders.shipping process} (users do not see it).
   */
  SLOW_CONSUMER,
  /**
   * Auth ({@code Shop.AuthService.Verify}), called by both order and inventory, slows down and
   * fails about 45 % of verifications; both callers fail. Culprit: auth, not its callers. Alerting
   * scope: frontend {@code GET /checkout}.
   */
  SHARED_DEPENDENCY
}
