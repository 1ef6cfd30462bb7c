using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherPerformanceTests
{
    [Fact]
    public void Observing_a_known_alert_again_does_not_allocate()
    {
        var h = new DispatchHarness();
        var alerts = Enumerable.Range(0, 100)
            .Select(i => Firing(T0, ("alertname", "A" + (i % 10)), ("service", "s"), ("instance", i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray();
        foreach (var alert in alerts)
        {
            h.Dispatcher.Observe(alert);
            _ = alert.Fingerprint;
        }

        // Warm up first, so tiered compilation has swapped in the optimised code before measuring.
        for (var round = 0; round < 200; round++)
        {
            foreach (var alert in alerts)
            {
                h.Dispatcher.Observe(alert);
            }
        }
        const int rounds = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var alert in alerts)
            {
                h.Dispatcher.Observe(alert);
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Less than a byte per call: any per-call allocation is at least 24 bytes (2.4 MB here), while the runtime may
        // still allocate a few kilobytes once on this thread (a late tier-up was seen to cost 32 KB).
        Assert.True(allocated < rounds * alerts.Length, $"{allocated} bytes allocated over {rounds * alerts.Length} calls");
    }

    [Fact]
    public void Twenty_thousand_alerts_flush_into_one_incident_per_group()
    {
        var h = new DispatchHarness();
        for (var i = 0; i < 20_000; i++)
        {
            h.Dispatcher.Observe(Firing(T0, ("alertname", "A" + (i % 500)), ("service", "s" + (i % 7)), ("instance", "i" + i)));
        }

        // Timing is the benchmark's business (bench/), never asserted here.
        var changes = h.Dispatcher.Flush(T0.AddMinutes(1), _ => false);

        Assert.Equal(3500, changes.Incidents.Count); // 500 and 7 are coprime: 3500 (alertname, service) pairs
        Assert.Equal(20_000, changes.Incidents.Sum(i => i.Alerts.Count));
    }
}
