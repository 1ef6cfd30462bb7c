namespace Vigil.Server.Metrics;

/// <summary>The live state of one polled Prometheus query, for <c>GET /api/v1/metrics/sources</c>.</summary>
public sealed class MetricSourceStatus(string name, string url, string query, TimeSpan interval)
{
    private readonly Lock _gate = new();

    public string Name { get; } = name;
    public string Url { get; } = url;
    public string Query { get; } = query;
    public TimeSpan Interval { get; } = interval;

    /// <summary>"starting" (backfill not done), "ok", "no_data" (the query answered with no series) or "error".</summary>
    public string State { get; private set; } = "starting";
    public DateTimeOffset? LastSuccess { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }
    public string? LastError { get; private set; }
    public int Series { get; private set; }
    public int LastSamples { get; private set; }
    public long Polls { get; private set; }
    public long Failures { get; private set; }

    /// <summary>What the last successful poll has to say beyond its counts (no series, series left out); null if nothing.</summary>
    public string? Note { get; private set; }

    /// <summary>Records a successful poll; true when its <paramref name="note"/> differs from the last one (worth logging
    /// once, not every interval).</summary>
    public bool Succeeded(DateTimeOffset at, int series, int samples, bool noData = false, string? note = null)
    {
        lock (_gate)
        {
            var changed = note != Note;
            (State, LastSuccess, Series, LastSamples, Note) = (noData ? "no_data" : "ok", at, series, samples, note);
            Polls++;
            return changed;
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
