using Vigil.Core.Config;
using Vigil.Server.Hosting;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Metrics;

/// <summary>
/// Polls every <c>metrics.sources</c> query. At start each source backfills its detectors from
/// <c>/api/v1/query_range</c> (scored and charted, never alerted: that history has already happened), then evaluates
/// <c>/api/v1/query</c> every interval. Failures are logged and shown in the source's status; the loop keeps going,
/// and the backfill is retried until it succeeds so a Prometheus that starts later still gets its history read.
/// A reload applies the sources: a new or changed one starts (with its backfill; samples the detectors already have are
/// skipped as out of order), a removed or changed one stops, an unchanged one polls on undisturbed.
/// </summary>
public sealed partial class MetricSourcePoller(MetricIngest ingest, ConfigHolder config, TimeProvider time, ILogger<MetricSourcePoller> logger)
    : ServerLoop
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private IReadOnlyList<MetricSourceStatus> _statuses = [];

    public IReadOnlyList<MetricSourceStatus> Statuses => _statuses;

    /// <summary>One running poller; <see cref="Retire"/> stops it after its current poll.</summary>
    private sealed record Poller(MetricSourceConfig Source, MetricSourceStatus Status, CancellationTokenSource Retire, Task Task);

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        List<Poller> running = [];
        List<Task> all = [];
        try
        {
            for (var first = true; ; first = false)
            {
                // Taken before the config is read, so a reload between the two is not missed.
                var changed = config.Changed;
                var (kept, started, stopped) = Reconcile(running, config.Current.Metrics.Sources, stoppingToken);
                all.AddRange(started.Select(p => p.Task));
                foreach (var gone in stopped)
                {
                    _ = gone.Task.ContinueWith(_ => gone.Retire.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }
                if (!first)
                {
                    LogSourcesApplied(started.Count, stopped.Count, kept);
                }
                using var either = CancellationTokenSource.CreateLinkedTokenSource(changed, stoppingToken);
                try
                {
                    await Task.Delay(Timeout.Infinite, either.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // A reload put a new config in force: apply its sources.
                }
            }
        }
        finally
        {
            // Retired pollers may still be finishing a poll; the server stops only once every one has.
            await Task.WhenAll(all);
        }
    }

    /// <summary>Keeps the pollers whose source is unchanged, retires the others and starts the new ones; <paramref
    /// name="running"/> and <see cref="Statuses"/> then follow <paramref name="sources"/>.</summary>
    private (int Kept, List<Poller> Started, List<Poller> Stopped) Reconcile(
        List<Poller> running, IReadOnlyList<MetricSourceConfig> sources, CancellationToken stoppingToken)
    {
        var unclaimed = new List<Poller>(running);
        var next = new List<Poller>(sources.Count);
        var started = new List<Poller>();
        foreach (var source in sources)
        {
            // Records compare by value: the same name, URL, query, interval, step and backfill keep their poller.
            var same = unclaimed.FirstOrDefault(p => p.Source == source);
            if (same is not null)
            {
                unclaimed.Remove(same);
                next.Add(same);
                continue;
            }
            var status = new MetricSourceStatus(source.Name, source.Url.ToString(), source.Query, source.Interval);
            var retire = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var poller = new Poller(source, status, retire, PollAsync(source, status, retire.Token, stoppingToken));
            next.Add(poller);
            started.Add(poller);
        }
        foreach (var gone in unclaimed)
        {
            gone.Retire.Cancel();
        }
        running.Clear();
        running.AddRange(next);
        _statuses = [.. next.Select(p => p.Status)];
        return (next.Count - started.Count, started, unclaimed);
    }

    /// <summary>Polls until <paramref name="ct"/> (stop or retirement) is cancelled. Samples are ingested under
    /// <paramref name="stoppingToken"/> only: a poller retired by a reload finishes the batch it has fetched.</summary>
    private async Task PollAsync(MetricSourceConfig source, MetricSourceStatus status, CancellationToken ct, CancellationToken stoppingToken)
    {
        try
        {
            await PollLoopAsync(source, status, ct, stoppingToken);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task PollLoopAsync(MetricSourceConfig source, MetricSourceStatus status, CancellationToken ct, CancellationToken stoppingToken)
    {
        var client = new PrometheusClient(_http);
        var backfilled = source.Backfill == TimeSpan.Zero;
        using var timer = new PeriodicTimer(source.Interval, time);
        do
        {
            var now = time.GetUtcNow();
            try
            {
                var polled = backfilled
                    ? await client.QueryAsync(source, now, ct)
                    : await client.QueryRangeAsync(source, now - source.Backfill, now, ct);
                var samples = polled.Samples;
                var result = await ingest.IngestAsync(samples, alerting: backfilled, stoppingToken);
                // An empty answer is not an error (a selector whose targets are gone) but usually a misspelled query.
                var note = polled.Series == 0 ? "the query returned no series"
                    : polled.InvalidSeries > 0 ? FormattableString.Invariant($"{polled.InvalidSeries} of {polled.Series} series left out: a label value with a NUL or over {MetricBatchParser.MaxLabelValueLength:N0} characters, or more than {MetricBatchParser.MaxLabels} labels")
                    : null;
                if (status.Succeeded(now, result.Series, samples.Count, polled.Series == 0, note) && note is not null)
                {
                    LogPollNote(source.Name, note);
                }
                if (!backfilled)
                {
                    LogBackfilled(source.Name, samples.Count, result.Series);
                }
                backfilled = true;
            }
            catch (PrometheusQueryException ex)
            {
                status.Failed(now, ex.Message);
                LogPollFailed(source.Name, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Anything unexpected (e.g. a malformed answer) is reported the same way; the poller must not die.
                status.Failed(now, ex.Message);
                LogPollFailed(source.Name, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric sources reloaded: {Started} started, {Stopped} stopped, {Kept} unchanged")]
    private partial void LogSourcesApplied(int started, int stopped, int kept);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric source {Source}: backfilled {Samples} samples of {Series} series")]
    private partial void LogBackfilled(string source, int samples, int series);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric source {Source}: {Note}")]
    private partial void LogPollNote(string source, string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric source {Source}: {Error}")]
    private partial void LogPollFailed(string source, string error);
}
