using Vigil.Analytics.Logs;
using Vigil.Core.LogPatterns;
using Vigil.Core.Store;

namespace Vigil.Server.Logs;

public sealed partial class LogIngest
{
    /// <summary>
    /// Reloads every stored source into its miner (same template ids, counts and merge aliases) and the last hour of
    /// per-minute counts into the rate-spike detector. Runs before the server accepts requests.
    /// </summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        var templates = 0;
        _restoredAt = _time.GetUtcNow();
        foreach (var source in await _store.ListLogSourcesAsync(ct))
        {
            var state = await LoadAsync(source, ct);
            _sources[source.Source] = state;
            templates += state.Templates.Count;
        }
        LogRestored(_sources.Count, templates);
    }

    /// <summary>
    /// Puts <paramref name="state"/> back to what storage holds (its gate held): after a failed commit its miner had
    /// learned lines, merged and evicted templates that were never stored, and the client's retry would count the lines
    /// twice and leave the merged templates stored for good. A source never stored starts afresh.
    /// </summary>
    private async Task ReloadAsync(LogSourceState state, CancellationToken ct)
    {
        var stored = (await _store.ListLogSourcesAsync(ct)).FirstOrDefault(s => s.Source == state.Name)
            ?? new LogSourceRecord(state.Name, 1, new Dictionary<long, long>(), 0, _time.GetUtcNow());
        state.ReplaceWith(await LoadAsync(stored, ct));
        LogReloaded(state.Name);
    }

    /// <summary>One stored source: its miner (same template ids, counts and merge aliases), templates and the last hour
    /// of per-minute counts in a fresh rate-spike detector.</summary>
    private async Task<LogSourceState> LoadAsync(LogSourceRecord source, CancellationToken ct)
    {
        var fromMinute = MinuteSeries.MinuteOf(_time.GetUtcNow()) - SpikeOptions.HistoryMinutes - 1;
        var rows = await _store.ListLogTemplatesAsync(source.Source, LogTemplateOrder.Id, int.MaxValue, ct);
        var snapshot = new MinerSnapshot(source.NextId,
            [.. rows.Where(r => r.Tokens.Count > 0)
                .Select(r => new LogTemplate(r.Id, r.Template, r.Tokens, r.VariableSlots, r.Count, r.FirstSeen, r.LastSeen))],
            source.Aliases);
        try
        {
            _registry.Restore(source.Source, snapshot);
        }
        catch (ArgumentException ex)
        {
            // Templates that the miner cannot take back (e.g. stored by a build with other limits) are dropped, but
            // the id counter survives so their ids are never handed out again.
            LogRestoreFailed(source.Source, ex.Message);
            _registry.Restore(source.Source, new MinerSnapshot(source.NextId, [], source.Aliases));
            rows = [];
        }
        var state = CreateState(source.Source);
        state.Lines = source.Lines;
        state.NextId = source.NextId;
        state.Aliases = source.Aliases;
        state.LastLineAt = source.UpdatedAt;
        foreach (var row in rows)
        {
            var info = new TemplateInfo
            {
                Id = row.Id,
                Text = row.Template,
                Tokens = row.Tokens,
                VariableSlots = row.VariableSlots,
                Level = row.Level,
                Service = row.Service,
                Look = LogLevels.Classify(row.Level, row.Template),
                Count = row.Count,
                FirstSeen = row.FirstSeen,
                LastSeen = row.LastSeen,
                Novel = true,
            };
            info.Examples.AddRange(row.Examples);
            state.Templates[row.Id] = info;
        }
        foreach (var count in await _store.ListLogCountsAsync(source.Source, fromMinute, null, ct))
        {
            if (state.Templates.ContainsKey(count.TemplateId))
            {
                state.Spikes.Record(count.TemplateId, DateTimeOffset.FromUnixTimeSeconds(count.Minute * 60), count.Count);
            }
        }
        return state;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log source {Source}: reloaded from storage after a failed commit")]
    private partial void LogReloaded(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log mining restored {Sources} sources with {Templates} templates")]
    private partial void LogRestored(int sources, int templates);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log source {Source}: stored templates could not be reloaded ({Reason}); it starts learning again")]
    private partial void LogRestoreFailed(string source, string reason);
}
