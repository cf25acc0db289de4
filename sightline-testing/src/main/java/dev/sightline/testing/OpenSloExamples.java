package dev.sightline.testing;

/** OpenSLO specs shared by tests of several modules, as users write them. */
public final class OpenSloExamples {
  private OpenSloExamples() {}

  /**
   * The availability example of issue 4, exactly as written there: {@code
   * place-order-availability}, 99.9% of {@code Shop.OrderService.PlaceOrder} spans of {@code order}
   * without error over 30 days, with runbook, owner and a 15-minute response deadline.
   */
  public static final String PLACE_ORDER_AVAILABILITY =
      """
      apiVersion: openslo/v1
      kind: SLO
      metadata:
        name: place-order-availability
        annotations:
          sightline.dev/runbook: https://runbooks.example.com/place-order
          sightline.dev/owner: team-orders
          sightline.dev/respond-within: 15m
      spec:
        service: order
        budgetingMethod: Occurrences
        timeWindow: [{duration: 30d, isRolling: true}]
        objectives: [{displayName: availability, target: 0.999}]
        indicator:
          metadata: {name: place-order-ok}
          spec:
            ratioMetric:
              good:  {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder, status: ok}}}
              total: {metricSource: {type: sightline, spec: {signal: spans, service: order, operation: Shop.OrderService.PlaceOrder}}}
      """;

  /**
   * {@code checkout-availability}: frontend {@code GET /checkout} spans without error, over 30
   * days, owned by {@code team-shop} with a runbook; {@code severity} as the {@code
   * sightline.dev/severity} annotation and {@code objectives} as an OpenSLO objectives list (e.g.
   * {@code [{displayName: checkout ok, target: 0.999}]}).
   */
  public static String checkoutAvailability(String severity, String objectives) {
    return """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          annotations:
            sightline.dev/runbook: https://runbooks.example.com/checkout
            sightline.dev/owner: team-shop
            sightline.dev/severity: %s
        spec:
          service: frontend
          budgetingMethod: Occurrences
          timeWindow: [{duration: 30d, isRolling: true}]
          objectives: %s
          indicator:
            metadata: {name: checkout-ok}
            spec:
              ratioMetric:
                good:  {metricSource: {type: sightline, spec: {signal: spans, service: frontend, operation: "GET /checkout", status: ok}}}
                total: {metricSource: {type: sightline, spec: {signal: spans, service: frontend, operation: "GET /checkout"}}}
        """
        .formatted(severity, objectives);
  }
}
