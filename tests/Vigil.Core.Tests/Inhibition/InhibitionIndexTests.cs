using Vigil.Core.Alerts;
using Vigil.Core.Inhibition;
using Vigil.Core.Matching;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Inhibition;

public class InhibitionIndexTests
{
    private static readonly InhibitRule CriticalMutesWarning = new(
        MatcherParser.ParseList("severity=\"critical\""),
        MatcherParser.ParseList("severity=\"warning\""),
        ["alertname", "cluster"]);

    private static Alert Alert(params (string, string)[] labels) => Firing(T0, labels);

    [Fact]
    public void Source_inhibits_target_with_equal_labels()
    {
        var source = Alert(("alertname", "Latency"), ("cluster", "eu"), ("severity", "critical"));
        var target = Alert(("alertname", "Latency"), ("cluster", "eu"), ("severity", "warning"));

        var index = InhibitionIndex.Build([CriticalMutesWarning], [source, target], T0);

        Assert.Equal([source.Fingerprint], index.InhibitedBy(target));
        Assert.True(index.IsInhibited(target));
        Assert.False(index.IsInhibited(source));
    }

    [Fact]
    public void Different_equal_label_values_do_not_inhibit()
    {
        var source = Alert(("alertname", "Latency"), ("cluster", "eu"), ("severity", "critical"));
        var target = Alert(("alertname", "Latency"), ("cluster", "us"), ("severity", "warning"));

        Assert.Empty(InhibitionIndex.Build([CriticalMutesWarning], [source, target], T0).InhibitedBy(target));
    }

    [Fact]
    public void Missing_equal_labels_count_as_empty_and_are_equal()
    {
        var source = Alert(("alertname", "Latency"), ("severity", "critical"));
        var target = Alert(("alertname", "Latency"), ("severity", "warning"), ("cluster", ""));

        Assert.True(InhibitionIndex.Build([CriticalMutesWarning], [source, target], T0).IsInhibited(target));
    }

    [Fact]
    public void Resolved_sources_do_not_inhibit()
    {
        var source = Alert(("alertname", "Latency"), ("severity", "critical")).Resolved(T0);
        var target = Alert(("alertname", "Latency"), ("severity", "warning"));

        Assert.False(InhibitionIndex.Build([CriticalMutesWarning], [source, target], T0.AddMinutes(1)).IsInhibited(target));
    }

    [Fact]
    public void An_alert_does_not_inhibit_itself()
    {
        var rule = new InhibitRule(MatcherParser.ParseList("alertname=\"NodeDown\""), MatcherParser.ParseList("alertname=~\".+\""), ["instance"]);
        var down = Alert(("alertname", "NodeDown"), ("instance", "a"));
        var other = Alert(("alertname", "DiskFull"), ("instance", "a"));

        var index = InhibitionIndex.Build([rule], [down, other], T0);

        Assert.False(index.IsInhibited(down));
        Assert.True(index.IsInhibited(other));
    }

    [Fact]
    public void Alerts_matching_both_sides_do_not_inhibit_each_other()
    {
        var rule = new InhibitRule(MatcherParser.ParseList("alertname=\"X\""), MatcherParser.ParseList("alertname=\"X\""), []);
        var a = Alert(("alertname", "X"), ("instance", "a"));
        var b = Alert(("alertname", "X"), ("instance", "b"));

        var index = InhibitionIndex.Build([rule], [a, b], T0);

        Assert.False(index.IsInhibited(a));
        Assert.False(index.IsInhibited(b));
    }

    [Fact]
    public void Sources_from_several_rules_are_all_reported_once()
    {
        var byCluster = new InhibitRule(MatcherParser.ParseList("severity=\"critical\""), MatcherParser.ParseList("severity=\"warning\""), ["cluster"]);
        var source = Alert(("alertname", "Latency"), ("cluster", "eu"), ("severity", "critical"));
        var target = Alert(("alertname", "Latency"), ("cluster", "eu"), ("severity", "warning"));

        Assert.Equal([source.Fingerprint], InhibitionIndex.Build([CriticalMutesWarning, byCluster], [source, target], T0).InhibitedBy(target));
    }

    [Fact]
    public void Building_scales_linearly_with_many_alerts()
    {
        var alerts = Enumerable.Range(0, 20_000)
            .Select(i => Alert(("alertname", "A" + (i % 100)), ("cluster", "c" + i), ("severity", i % 2 == 0 ? "critical" : "warning")))
            .ToList();

        var index = InhibitionIndex.Build([CriticalMutesWarning], alerts, T0);
        var inhibited = alerts.Count(index.IsInhibited);

        Assert.Equal(0, inhibited); // every cluster differs, so nothing shares equal labels
    }
}
