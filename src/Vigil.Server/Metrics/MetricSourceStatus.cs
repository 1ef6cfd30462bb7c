namespace Vigil.Server.Metrics;

/// <summary>The live state of one polled Prometheus query, for <c>GET /api/v1/metrics/sources</c>.</summary>
public sealed class MetricSourceStatus(string name, string url, string query, TimeSpan interval)
{
    private readonly Lock _gate = new();

    public string Name { get; } = name;
    public string Url { get; } = url;
    public string Query { get; } = query;
    public TimeSpan Interval { get; } = interval;

    /// <summary>"starting" (backfill not done), "ok" or "error".</summary>
    public string State { get; private set; } = "starting";
    public DateTimeOffset? LastSuccess { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public string? LastError { get; private set; }
    public int Series { get; private set; }
    public int LastSamples { get; private set; }
    public long Polls { get; private set; }
    public long Failures { get; private set; }

    public void Succeeded(DateTimeOffset at, int series, int samples)
    {
        lock (_gate)
        {
            (State, LastSuccess, Series, LastSamples) = ("ok", at, series, samples);
            Polls++;
        }
    }

    public void Failed(DateTimeOffset at, string error)
    {
        lock (_gate)
        {
            (State, LastErrorAt, LastError) = ("error", at, error);
            Polls++;
            Failures++;
        }
    }

    public MetricSourceStatus Snapshot()
    {
        lock (_gate)
        {
            return (MetricSourceStatus)MemberwiseClone();
        }
    }
}
