using Vigil.Core.Incidents;
using Vigil.Core.Inhibition;
using Vigil.Core.Matching;
using Vigil.Core.Silences;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherMutingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    [Fact]
    public void Silenced_alert_creates_no_incident_until_the_silence_ends()
    {
        var h = new DispatchHarness();
        var silence = new Silence(Guid.NewGuid(), MatcherParser.ParseList("service=\"checkout\""), T0, T0.AddMinutes(10), "bob", "deploy", T0);
        var alert = h.Fire(("alertname", "X"), ("service", "checkout"));

        // The server builds a Silencer per flush from the current silences.
        void FlushWithSilences(TimeSpan by)
        {
            h.Clock.Advance(by);
            var silencer = new Silencer([silence], h.Now);
            h.Persist(h.Dispatcher.Flush(h.Now, a => silencer.IsSilenced(a.Labels)));
        }

        FlushWithSilences(TimeSpan.FromSeconds(30));
        Assert.Empty(h.Incidents);
        Assert.Equal([alert.Fingerprint], Assert.Single(h.Dispatcher.Groups).Alerts);

        FlushWithSilences(Interval); // 5:30, still silenced
        Assert.Empty(h.Incidents);

        FlushWithSilences(Interval); // 10:30, silence over
        Assert.Equal(IncidentStatus.Triggered, h.Single().Status);
    }

    [Fact]
    public void Muted_alert_does_not_join_an_open_incident_or_raise_its_severity()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"), ("severity", "warning"));
        h.Advance(TimeSpan.FromMinutes(1));
        var muted = h.Fire(("alertname", "X"), ("instance", "b"), ("severity", "critical"));
        h.Muted.Add(muted.Fingerprint);
        h.Advance(Interval);

        Assert.Single(h.Single().Alerts);
        Assert.Equal(Severity.Warning, h.Single().Severity);

        h.Muted.Clear();
        h.Advance(Interval);

        Assert.Equal(2, h.Single().Alerts.Count);
        Assert.Equal(Severity.Critical, h.Single().Severity);
    }

    [Fact]
    public void Member_alert_muted_later_keeps_the_incident_open()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"), ("instance", "a"));
        var b = h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Muted.Add(b.Fingerprint);
        h.Resolve(a);
        h.Advance(Interval);

        Assert.Equal(IncidentStatus.Triggered, h.Single().Status);
    }

    [Fact]
    public void Inhibited_alert_creates_no_incident_while_its_source_fires()
    {
        var h = new DispatchHarness();
        var rule = new InhibitRule(MatcherParser.ParseList("alertname=\"NodeDown\""), MatcherParser.ParseList("alertname=\"DiskFull\""), ["instance"]);
        var source = h.Fire(("alertname", "NodeDown"), ("instance", "a"));
        var target = h.Fire(("alertname", "DiskFull"), ("instance", "a"));
        h.Fire(("alertname", "DiskFull"), ("instance", "b"));

        // The server builds the index from all stored alerts at flush time.
        void FlushWithInhibition(TimeSpan by)
        {
            h.Clock.Advance(by);
            var index = InhibitionIndex.Build([rule], h.Alerts.Values, h.Now);
            h.Persist(h.Dispatcher.Flush(h.Now, index.IsInhibited));
        }

        FlushWithInhibition(TimeSpan.FromSeconds(30));

        Assert.Equal(2, h.Incidents.Count); // NodeDown, and DiskFull for instance b only
        var disk = h.Incidents.Values.Single(i => i.Title == "DiskFull");
        Assert.DoesNotContain(target.Fingerprint, disk.Alerts);

        h.Resolve(source);
        FlushWithInhibition(Interval);

        disk = h.Incidents[disk.Id];
        Assert.Contains(target.Fingerprint, disk.Alerts);
    }
}
