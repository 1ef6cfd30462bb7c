namespace Vigil.Server.Slo;

/// <summary>The live state of reading one SLO's SLI from Prometheus, for <c>GET /api/v1/slos</c> and the log.</summary>
public sealed class SloSourceStatus
{
    /// <summary>The window has not been read yet (backfill pending or failing).</summary>
    public const string Starting = "starting";

    /// <summary>The last read succeeded and returned data.</summary>
    public const string Ok = "ok";

    /// <summary>The last read succeeded, but a query returned no series (those minutes have no data).</summary>
    public const string NoData = "no_data";

    /// <summary>The last read failed: Prometheus unreachable, an error answer (e.g. a PromQL syntax error) or a malformed one.</summary>
    public const string Error = "error";

    private readonly Lock _gate = new();

    public string State { get; private set; } = Starting;

    public DateTimeOffset? LastSuccess { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Since when reads fail without a success in between; null while they succeed.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    /// <summary>Why the last successful read counts minutes as missing (a query without series), or null.</summary>
    public string? Note { get; private set; }

    /// <summary>The newest minute read and stored.</summary>
    public DateTimeOffset? ReadThrough { get; private set; }

    public long Requests { get; private set; }

    public long Failures { get; private set; }

    /// <summary>True when the last read succeeded: the SLO's minutes are current and its alerts can be evaluated.</summary>
    public bool Current => State is Ok or NoData;

    /// <summary>Records a successful read; returns the previous state (for logging changes only).</summary>
    public string Succeeded(DateTimeOffset at, DateTimeOffset readThrough, int requests, string? note)
    {
        lock (_gate)
        {
            var previous = State;
            (State, LastSuccess, ReadThrough, Note, FailingSince) = (note is null ? Ok : NoData, at, readThrough, note, null);
            Requests += requests;
            return previous;
        }
    }

    /// <summary>Records a failed read; returns the previous error message (for logging changes only).</summary>
    public string? Failed(DateTimeOffset at, string error, int requests)
    {
        lock (_gate)
        {
            var previous = State == Error ? LastError : null;
            (State, LastErrorAt, LastError) = (Error, at, error);
            FailingSince ??= at;
            Requests += requests;
            Failures++;
            return previous;
        }
    }

    public SloSourceStatus Snapshot()
    {
        lock (_gate)
        {
            return (SloSourceStatus)MemberwiseClone();
        }
    }
}
