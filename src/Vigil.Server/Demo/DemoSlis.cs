using Vigil.Server.Hosting;
using Vigil.Server.Slo;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c> with the built-in config: per-minute request counts for the two demo SLOs
/// (<see cref="DemoConfig.SlosYaml"/>), through the same path as <c>POST /api/v1/sli-events</c>. An SLO with no events
/// yet first gets <see cref="Backfill"/> of history; then each minute is sent once it is over (minutes while the server
/// was down stay missing, which an Occurrences budget ignores). The counts are functions of the minute (a random seeded
/// by it), so a restart continues the same week: checkout's errors are a trickle with one 40-minute outage a week, well within its 99.9 %;
/// payments has a two-hour outage a week that spends more than its 99.5 % budget, so the SLOs page shows one healthy
/// SLO and one exhausted one, and its error-budget policy freezes payments' changes.
/// </summary>
public sealed class DemoSlis(SloTracker tracker, TimeProvider time, ILogger<DemoSlis> logger) : ServerLoop
{
    public static readonly TimeSpan Backfill = TimeSpan.FromDays(7);

    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private static readonly Outage CheckoutOutage = new(TimeSpan.FromHours(62), TimeSpan.FromMinutes(40), 0.05);

    private static readonly Outage PaymentsOutage = new(TimeSpan.FromHours(110), TimeSpan.FromHours(2), 0.35);

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        // The minute under way is the first one sent live.
        var next = MinuteOf(time.GetUtcNow().UtcDateTime);
        try
        {
            await BackfillAsync(next, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Demo SLI backfill failed");
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var current = MinuteOf(time.GetUtcNow().UtcDateTime);
            var events = new List<SliEvent>();
            for (; next < current; next = next.AddMinutes(1))
            {
                events.AddRange(EventsAt(next));
            }
            if (events.Count == 0)
            {
                continue;
            }
            try
            {
                await tracker.IngestAsync(events, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Demo SLI step failed");
            }
        }
    }

    /// <summary>History for the demo SLOs that have no events yet (a restart does not count anything twice).</summary>
    private async Task BackfillAsync(DateTime end, CancellationToken ct)
    {
        var states = await tracker.CurrentAsync(ct);
        var now = time.GetUtcNow();
        var empty = states.Values.Where(s => s.Evaluate(now) is [{ Budget.Total: 0 }, ..]).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        if (empty.Count == 0)
        {
            return;
        }
        var history = new List<SliEvent>();
        for (var minute = end - Backfill; minute < end; minute = minute.AddMinutes(1))
        {
            history.AddRange(EventsAt(minute).Where(e => empty.Contains(e.Slo)));
        }
        await tracker.IngestAsync(history, ct);
        logger.LogInformation("Demo SLIs seeded: {Minutes} minutes of history for {Slos}", (int)Backfill.TotalMinutes, string.Join(", ", empty.Order()));
    }

    internal static IEnumerable<SliEvent> EventsAt(DateTime minute)
    {
        var random = new Random((int)(minute.Ticks / TimeSpan.TicksPerMinute));
        // Traffic follows the day: ~250 requests a minute at night, ~550 in the afternoon (UTC).
        var daily = Math.Sin(2 * Math.PI * (minute.TimeOfDay.TotalHours - 9) / 24);
        var checkout = Math.Round(400 + (150 * daily) + (20 * Gaussian(random)));
        var payments = Math.Round(0.4 * checkout);
        yield return Event("checkout-availability", minute, checkout, CheckoutOutage.ErrorRatio(minute, 0.0004), random);
        yield return Event("payments-availability", minute, payments, PaymentsOutage.ErrorRatio(minute, 0.002), random);
    }

    private static SliEvent Event(string slo, DateTime minute, double total, double errorRatio, Random random)
    {
        var expected = errorRatio * total;
        var bad = Math.Clamp(Math.Round(expected + (Math.Sqrt(expected) * Gaussian(random))), 0, total);
        return new SliEvent(slo, total - bad, total, new DateTimeOffset(minute, TimeSpan.Zero));
    }

    private static DateTime MinuteOf(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>An outage at the same time each week (from the Unix epoch, a Thursday): its error ratio replaces the
    /// usual one while it lasts.</summary>
    private sealed record Outage(TimeSpan IntoWeek, TimeSpan Length, double Ratio)
    {
        public double ErrorRatio(DateTime minute, double usual)
        {
            var phase = TimeSpan.FromTicks((minute - DateTime.UnixEpoch).Ticks % Week.Ticks) - IntoWeek;
            return phase >= TimeSpan.Zero && phase < Length ? Ratio : usual;
        }
    }
}
