using Vigil.Core.Alerts;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The running pipeline: stored alerts and silences in memory, the group-commit writer in front of the store,
/// and the dispatcher that turns alert groups into incidents.
/// </summary>
public sealed partial class AlertPipeline : IAsyncDisposable
{
    private readonly IVigilStore _store;
    private readonly TimeProvider _time;
    private readonly ChangeFeed _feed;
    private readonly ILogger<AlertPipeline> _logger;
    private readonly Notifications.OutboxSignal _outbox;
    private IngestWriter? _writer;

    // Held by every silence write; see BeginSilenceWriteAsync. Taken after _incidentGate where both are held.
    private readonly SemaphoreSlim _silenceGate = new(1, 1);

    public AlertPipeline(IVigilStore store, TimeProvider time, ChangeFeed feed, ConfigHolder config, ServerSettings settings, ILoggerFactory loggers,
        Notifications.OutboxSignal outbox)
    {
        _outbox = outbox;
        _store = store;
        _time = time;
        _feed = feed;
        Config = config;
        Settings = settings;
        _logger = loggers.CreateLogger<AlertPipeline>();
        Loggers = loggers;
    }

    private ILoggerFactory Loggers { get; }

    private ServerSettings Settings { get; }

    public AlertIndex Alerts { get; } = new();

    public SilenceBook Silences { get; } = new();

    public ConfigHolder Config { get; }

    public IVigilStore Store => _store;

    /// <summary>Loads stored state and starts the writer. Must complete before the server accepts requests.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var alert in await _store.LoadAlertsAsync(ct))
        {
            Alerts.Set(alert);
        }
        Silences.Load(await _store.LoadSilencesAsync(ct));
        foreach (var silence in Silences.All)
        {
            if (silence.Matchers.FirstOrDefault(m => m.UsesBacktracking) is { } matcher)
            {
                // Taken by an earlier version; kept on the backtracking engine (see Matcher.CreateStored) but it can no
                // longer be re-posted as is, so the operator should replace it.
                _logger.LogWarning("Silence {Id} has matcher {Matcher}, which the linear-time regex engine refuses; it keeps " +
                    "muting on the slower backtracking engine until it ends, but an update must rewrite it", silence.Id, matcher);
            }
        }
        await StartDispatcherAsync(ct);
        _writer = new IngestWriter(_store, Alerts, OnAlertsCommitted, Loggers.CreateLogger<IngestWriter>());
        _logger.LogInformation("Pipeline started with {Alerts} alerts and {Silences} silences", Alerts.Count, Silences.All.Count());
    }

    /// <summary>Stores alerts durably; returns after commit.</summary>
    public Task IngestAsync(IReadOnlyList<Alert> alerts, CancellationToken ct) =>
        (_writer ?? throw new InvalidOperationException("pipeline not started")).WriteAsync(alerts, ct);

    private void OnAlertsCommitted(IReadOnlyList<Alert> alerts)
    {
        ObserveCommitted(alerts);
        _feed.Publish(new ChangeSignal([], _time.GetUtcNow()));
    }

    /// <summary>
    /// Waits for the silence lock; read the silence to change and save through the answer, then dispose it. Every
    /// silence write takes it (the API's, and the dispatcher's for acknowledgement silences), as Alertmanager's
    /// silences take a mutex: reading the silence, committing and updating memory apart from each other, a DELETE
    /// racing an update of the same silence could resurrect it (the update built on the copy read before the expiry),
    /// and two updates could reach memory in the opposite order of their commits.
    /// </summary>
    public async Task<SilenceWrite> BeginSilenceWriteAsync(CancellationToken ct)
    {
        await _silenceGate.WaitAsync(ct);
        return new SilenceWrite(this, _silenceGate);
    }

    /// <summary>Expires a silence unless it has already ended; null when there is no such silence.</summary>
    public async Task<Silence?> ExpireSilenceAsync(Guid id, string actor, CancellationToken ct)
    {
        using var write = await BeginSilenceWriteAsync(ct);
        if (write.Get(id) is not { } silence)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        var state = silence.StateAt(now);
        if (state == SilenceState.Expired)
        {
            return silence;
        }
        // A pending silence never started: it expires with an empty range.
        var expired = silence with { StartsAt = state == SilenceState.Pending ? now : silence.StartsAt, EndsAt = now, UpdatedAt = now };
        await write.SaveAsync(expired, actor, "silence.expire", ct);
        return expired;
    }

    /// <summary>Commits silence writes, then shows them in memory; only under the silence lock (<see cref="SilenceWrite"/>).</summary>
    internal async Task CommitSilenceWritesAsync(IReadOnlyList<(Silence Silence, string Action)> writes, string actor, CancellationToken ct)
    {
        var changes = new ChangeSet();
        foreach (var (silence, action) in writes)
        {
            changes.Silences.Add(silence);
            changes.Audit.Add(new AuditEntry(_time.GetUtcNow(), actor, action, $"silence/{silence.Id}",
                $"{string.Join(",", silence.Matchers)} until {silence.EndsAt:O}: {silence.Comment}"));
        }
        await _store.ApplyAsync([changes], ct);
        foreach (var (silence, _) in writes)
        {
            Silences.Set(silence);
        }
        _feed.Publish(new ChangeSignal([], _time.GetUtcNow()));
        WakeDispatcher();
    }

    /// <summary>Commits a change set made by an API call (tokens, audit...).</summary>
    public Task CommitAsync(ChangeSet changes, CancellationToken ct) => _store.ApplyAsync([changes], ct);

    /// <summary>After a commit: notifications it queued are sent now, not at the outbox worker's next poll.</summary>
    private void WakeOutboxFor(ChangeSet changes)
    {
        if (changes.Outbox.Count > 0)
        {
            _outbox.Raise();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopDispatcherAsync();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }
}
