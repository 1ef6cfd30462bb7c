using Vigil.Core.Config;
using Vigil.Server.Hosting;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Metrics;

/// <summary>
/// Polls every <c>metrics.sources</c> query. At start each source backfills its detectors from
/// <c>/api/v1/query_range</c> (scored and charted, never alerted: that history has already happened), then evaluates
/// <c>/api/v1/query</c> every interval. Failures are logged and shown in the source's status; the loop keeps going,
/// and the backfill is retried until it succeeds so a Prometheus that starts later still gets its history read.
/// Sources are read from the config at start (a reload does not add or remove pollers).
/// </summary>
public sealed partial class MetricSourcePoller(MetricIngest ingest, ConfigHolder config, TimeProvider time, ILogger<MetricSourcePoller> logger)
    : ServerLoop
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private IReadOnlyList<MetricSourceStatus> _statuses = [];

    public IReadOnlyList<MetricSourceStatus> Statuses => _statuses;

    protected override Task RunAsync(CancellationToken stoppingToken)
    {
        var sources = config.Current.Metrics.Sources;
        _statuses = [.. sources.Select(s => new MetricSourceStatus(s.Name, s.Url.ToString(), s.Query, s.Interval))];
        return Task.WhenAll(sources.Select((s, i) => PollAsync(s, _statuses[i], stoppingToken)));
    }

    private async Task PollAsync(MetricSourceConfig source, MetricSourceStatus status, CancellationToken ct)
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
                var result = await ingest.IngestAsync(samples, alerting: backfilled, ct);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric source {Source}: backfilled {Samples} samples of {Series} series")]
    private partial void LogBackfilled(string source, int samples, int series);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric source {Source}: {Note}")]
    private partial void LogPollNote(string source, string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric source {Source}: {Error}")]
    private partial void LogPollFailed(string source, string error);
}
