namespace Vigil.Core.Tests.Slo;

/// <summary>OpenSLO documents written for Vigil's tests (Prometheus sources, references across kinds).</summary>
internal static class SloSamples
{
    public const string Checkout = """
        apiVersion: openslo/v1
        kind: Service
        metadata:
          name: checkout
          displayName: Checkout
        spec:
          description: Takes the money
        ---
        apiVersion: openslo/v1
        kind: DataSource
        metadata:
          name: prometheus
        spec:
          type: Prometheus
          connectionDetails:
            url: http://prometheus:9090
        ---
        apiVersion: openslo/v1
        kind: SLI
        metadata:
          name: checkout-errors
        spec:
          ratioMetric:
            counter: true
            bad:
              metricSource:
                metricSourceRef: prometheus
                spec:
                  query: http_requests_total{job="checkout",code=~"5.."}
            total:
              metricSource:
                metricSourceRef: prometheus
                spec:
                  query: http_requests_total{job="checkout"}
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          labels:
            team: payments
          annotations:
            vigil/missing-data: bad
        spec:
          service: checkout
          indicatorRef: checkout-errors
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: Available
              target: 0.999
          alertPolicies:
            - alertPolicyRef: fast-burn
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-latency
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-fast
            spec:
              ratioMetric:
                counter: true
                good:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.3"}[{{.window}}]))
                total:
                  metricSource:
                    type: Prometheus
                    spec:
                      query: sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
          timeWindow:
            - duration: 1M
              calendar:
                startTime: 2024-01-01 00:00:00
                timeZone: Europe/Berlin
          budgetingMethod: Timeslices
          objectives:
            - displayName: Fast
              targetPercent: 99
              timeSliceTarget: 0.95
              timeSliceWindow: 5m
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: fast-burn
        spec:
          alertWhenBreaching: true
          conditions:
            - conditionRef: burn-2pct-per-hour
          notificationTargets:
            - targetRef: payments-pager
        ---
        apiVersion: openslo/v1
        kind: AlertCondition
        metadata:
          name: burn-2pct-per-hour
        spec:
          severity: page
          condition:
            kind: burnrate
            op: gt
            threshold: 14.4
            lookbackWindow: 1h
            alertAfter: 2m
        ---
        apiVersion: openslo/v1
        kind: AlertNotificationTarget
        metadata:
          name: payments-pager
        spec:
          target: pagerduty
        """;
}
