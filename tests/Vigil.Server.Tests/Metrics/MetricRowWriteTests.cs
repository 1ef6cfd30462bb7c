using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Config;
using Vigil.Core.Store;
using Vigil.Server.Metrics;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Metrics;

/// <summary>
/// What a failed commit, or a write racing a checkpoint, leaves behind: a 2xx stays durable and a restart finds what
/// the last answer said (found by a review: each of these lost or resurrected data before).
/// </summary>
public abstract class MetricRowWriteTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, """
        route:
          receiver: default
          group_by: [alertname, series, exported_severity]
          group_wait: 0s
          group_interval: 1s
        receivers:
          - name: default
        """);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private IVigilStore RealStore => _vigil.Services.GetRequiredService<IVigilStore>();

    private MetricIngest IngestOn(IVigilStore store) => new(store, _vigil.Services.GetRequiredService<AlertPipeline>(),
        _vigil.Services.GetRequiredService<ConfigHolder>(), TimeProvider.System, NullLogger<MetricIngest>.Instance);

    /// <summary>What a server restarted on the same storage finds (a crash: nothing saved on the way down).</summary>
    private async Task<MetricIngest> RestartAsync()
    {
        var restarted = IngestOn(RealStore);
        await restarted.RestoreAsync(CancellationToken.None);
        return restarted;
    }

    private static List<MetricSample> Samples(SeriesKey key, DateTimeOffset start, int count, Func<int, double> value) =>
        [.. Enumerable.Range(0, count).Select(i => new MetricSample(key, start.AddSeconds(i).UtcDateTime, value(i)))];

    private static readonly Func<IReadOnlyList<ChangeSet>, Task> DiskFull = _ => throw new IOException("disk full (simulated)");

    [Fact]
    public async Task A_retry_after_a_failed_commit_is_answered_only_once_its_samples_are_saved()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        var key = new SeriesKey("queue_depth", [new("host", "a")]);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await ingest.IngestAsync(Samples(key, start, 10, _ => 50), alerting: true, CancellationToken.None, durable: true);
        var batch = Samples(key, start.AddSeconds(10), 20, _ => 50);

        hook.BeforeApply = DiskFull;
        await Assert.ThrowsAsync<IOException>(() => ingest.IngestAsync(batch, alerting: true, CancellationToken.None, durable: true));
        // The client was told to retry; the detector already learned the batch, so its samples are not new any more.
        hook.BeforeApply = DiskFull;
        await Assert.ThrowsAsync<IOException>(() => ingest.IngestAsync(batch, alerting: true, CancellationToken.None, durable: true));
        hook.BeforeApply = null;
        var retry = await ingest.IngestAsync(batch, alerting: true, CancellationToken.None, durable: true);
        Assert.Equal(0, retry.Accepted);

        var restarted = await RestartAsync();
        Assert.Equal(30L, restarted.Find(key.Id)!.Detector.Samples);
        Assert.Equal(30, restarted.Find(key.Id)!.Points.Count);
    }

    [Fact]
    public async Task A_new_series_whose_first_commit_failed_is_saved_by_the_retry()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        var key = new SeriesKey("queue_depth", [new("host", "new")]);
        var batch = Samples(key, DateTimeOffset.UtcNow.AddMinutes(-1), 5, i => i);
        hook.BeforeApply = DiskFull;
        await Assert.ThrowsAsync<IOException>(() => ingest.IngestAsync(batch, alerting: true, CancellationToken.None, durable: true));
        hook.BeforeApply = null;
        await ingest.IngestAsync(batch, alerting: true, CancellationToken.None, durable: true);

        Assert.Equal(5L, (await RestartAsync()).Find(key.Id)?.Detector.Samples);
    }

    [Fact]
    public async Task A_spike_whose_commit_fails_still_raises_its_alert()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        var key = new SeriesKey("queue_depth", [new("host", "spiky")]);
        var random = new Random(7);
        var start = DateTimeOffset.UtcNow.AddSeconds(-2000);
        await ingest.IngestAsync(Samples(key, start, 1990, _ => 50 + random.NextDouble()), alerting: true, CancellationToken.None, durable: true);
        var spike = Samples(key, start.AddSeconds(1990), 1, _ => 500);
        hook.BeforeApply = DiskFull;
        await Assert.ThrowsAsync<IOException>(() => ingest.IngestAsync(spike, alerting: true, CancellationToken.None, durable: true));
        hook.BeforeApply = null;
        await ingest.IngestAsync(spike, alerting: true, CancellationToken.None, durable: true);

        var alerts = await AlertsAsync();
        Assert.Contains(alerts, a => a!["labels"]!["alertname"]!.GetValue<string>() == MetricAlerts.Anomaly
            && a["labels"]!["host"]?.GetValue<string>() == "spiky");
    }

    [Fact]
    public async Task A_series_deleted_while_a_checkpoint_is_committing_stays_deleted()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        var key = new SeriesKey("queue_depth", [new("host", "gone")]);
        await ingest.IngestAsync(Samples(key, DateTimeOffset.UtcNow.AddMinutes(-5), 10, _ => 1), alerting: false, CancellationToken.None, durable: true);
        var (checkpointing, release) = HoldCheckpoint(hook);

        var save = ingest.SaveAsync(CancellationToken.None, everything: true);
        await checkpointing.Task;
        var delete = ingest.DeleteAsync(key.Id, "tester", CancellationToken.None);
        release.SetResult();
        await save;
        Assert.True(await delete);

        Assert.Null((await RestartAsync()).Find(key.Id));
    }

    [Fact]
    public async Task A_relearn_while_a_checkpoint_is_committing_survives_a_restart()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var ingest = IngestOn(store);
        var key = new SeriesKey("queue_depth", [new("host", "relearned")]);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await ingest.IngestAsync(Samples(key, start, 100, _ => 1), alerting: false, CancellationToken.None, durable: true);
        var (checkpointing, release) = HoldCheckpoint(hook);

        var save = ingest.SaveAsync(CancellationToken.None, everything: true);
        await checkpointing.Task;
        var relearn = ingest.RelearnAsync(key.Id, "tester", CancellationToken.None);
        release.SetResult();
        await save;
        Assert.NotNull(await relearn);

        Assert.Equal(0L, (await RestartAsync()).Find(key.Id)!.Detector.Samples);
    }

    [Fact]
    public async Task After_a_relearn_a_sample_older_than_the_chart_is_out_of_order()
    {
        var ingest = IngestOn(RealStore);
        var key = new SeriesKey("queue_depth", [new("host", "late")]);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        await ingest.IngestAsync(Samples(key, start, 100, _ => 1), alerting: false, CancellationToken.None, durable: true);
        await ingest.RelearnAsync(key.Id, "tester", CancellationToken.None);

        var late = await ingest.IngestAsync(Samples(key, start.AddSeconds(50), 1, _ => 2), alerting: false, CancellationToken.None, durable: true);
        var next = await ingest.IngestAsync(Samples(key, start.AddSeconds(100), 1, _ => 2), alerting: false, CancellationToken.None, durable: true);

        Assert.Equal(1, late.Reasons[MetricSkipReasons.OutOfOrder]);
        Assert.Equal(1, next.Accepted);
        var points = ingest.Find(key.Id)!.Points.ToArray();
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.Ticks < p.Second.Ticks), "the chart's points are in time order");
    }

    [Fact]
    public async Task Series_that_differ_only_by_a_severity_label_alert_separately()
    {
        var ingest = _vigil.Services.GetRequiredService<MetricIngest>();
        var start = DateTimeOffset.UtcNow.AddSeconds(-2000);
        foreach (var severity in new[] { "error", "info" })
        {
            var key = new SeriesKey("log_lines", [new("severity", severity)]);
            var random = new Random(7);
            await ingest.IngestAsync(Samples(key, start, 1990, _ => 50 + random.NextDouble()), alerting: true, CancellationToken.None, durable: true);
            var spike = await ingest.IngestAsync(Samples(key, start.AddSeconds(1990), 1, _ => 500), alerting: true, CancellationToken.None, durable: true);
            Assert.Equal(1, spike.Anomalies);
        }

        var alerts = (await AlertsAsync()).Where(a => a!["labels"]!["series"]?.GetValue<string>() == "log_lines").ToList();
        Assert.Equal(["error", "info"], alerts.Select(a => a!["labels"]!["exported_severity"]!.GetValue<string>()).Order());
        Assert.All(alerts, a => Assert.Equal("warning", a!["labels"]!["severity"]!.GetValue<string>()));
    }

    private async Task<JsonArray> AlertsAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var alerts = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
            if (alerts.Count > 0 || attempt == 50)
            {
                return alerts;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Holds the next checkpoint's commit (a write of series rows without an audit entry) until released: the
    /// checkpoint has taken its snapshot and is, as far as anything else can tell, still encoding other series.</summary>
    private static (TaskCompletionSource Checkpointing, TaskCompletionSource Release) HoldCheckpoint(InterceptedStore hook)
    {
        var checkpointing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hook.BeforeApply = async sets =>
        {
            if (sets.Any(s => s.MetricSeries.Count > 0 && s.Audit.Count == 0) && checkpointing.TrySetResult())
            {
                await release.Task;
            }
        };
        return (checkpointing, release);
    }
}

public sealed class MetricRowWritesOnSqlite() : MetricRowWriteTests(Backend.Sqlite);

public sealed class MetricRowWritesOnPostgres() : MetricRowWriteTests(Backend.Postgres);
