namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// The service an incident belongs to (whose team may act on it, whose escalation policy pages): the group's service
/// label, else the one every opening alert carries, else none — and it stays what it was when the incident opened.
/// </summary>
public class IncidentServiceTests
{
    private const string ByAlertName = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
        receivers:
          - name: default
        """;

    [Fact]
    public void A_group_by_service_gives_the_incident_its_service()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "HighLatency"), ("service", "checkout"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("checkout", h.Single().Service);
    }

    [Fact]
    public void Grouped_by_alertname_the_incident_takes_the_service_its_alerts_share()
    {
        var h = new DispatchHarness(ByAlertName);
        h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a"));
        h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));

        var incident = h.Single();
        Assert.False(incident.GroupLabels.ContainsKey("service"));
        Assert.Equal("checkout", incident.Service);
    }

    [Theory]
    [InlineData("payments")]
    [InlineData(null)]
    [InlineData("")]
    public void Opening_alerts_of_several_services_or_none_give_no_service(string? secondService)
    {
        var h = new DispatchHarness(ByAlertName);
        h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a"));
        h.Fire(secondService is null
            ? [("alertname", "HighLatency"), ("instance", "b")]
            : [("alertname", "HighLatency"), ("service", secondService), ("instance", "b")]);
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(h.Single().Service);
    }

    [Fact]
    public void The_service_is_fixed_when_the_incident_opens()
    {
        var h = new DispatchHarness(ByAlertName);
        h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Fire(("alertname", "HighLatency"), ("service", "payments"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(5));

        var incident = h.Single();
        Assert.Equal(2, incident.Alerts.Count);
        Assert.Equal("checkout", incident.Service);
    }
}
