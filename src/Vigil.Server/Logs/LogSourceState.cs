using Vigil.Analytics.Logs;
using Vigil.Core.Config;
using Vigil.Core.LogPatterns;

namespace Vigil.Server.Logs;

/// <summary>What the server knows of one template beyond what the miner keeps: level, service, examples, alert timers.</summary>
internal sealed class TemplateInfo
{
    public const int MaxExamples = 5;

    public required long Id { get; init; }
    public required string Text { get; set; }
    public IReadOnlyList<string> Tokens { get; set; } = [];
    public IReadOnlyList<bool> VariableSlots { get; set; } = [];
    public required string Level { get; init; }
    public required string Service { get; init; }
    public required ErrorLook Look { get; init; }
    public long Count { get; set; }
    public required DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public List<string> Examples { get; init; } = [];
    /// <summary>Created as a new pattern (or restored from one): only these may raise the new-error-pattern alert, not templates a merge produced.</summary>
    public bool Novel { get; init; }
    public DateTimeOffset? NewErrorSentAt { get; set; }
    public DateTimeOffset? SpikeSentAt { get; set; }

    /// <summary>Takes the alert timers of <paramref name="earlier"/>, the same template before a reload from storage.</summary>
    public void KeepAlertTimersOf(TemplateInfo earlier) => (NewErrorSentAt, SpikeSentAt) = (earlier.NewErrorSentAt, earlier.SpikeSentAt);

    /// <summary>True once the miner's tokens for this template are known (set from a miner export).</summary>
    public bool HasTokens => Tokens.Count > 0;

    public void AddExample(string line)
    {
        if (Examples.Count < MaxExamples && !Examples.Contains(line))
        {
            Examples.Add(line.Length <= 2000 ? line : line[..2000]);
        }
    }
}

/// <summary>
/// One source's miner and everything around it. <see cref="Gate"/> is held from mining a batch until its commit
/// finishes, so a source's commits reach storage in the order the miner saw them; other sources mine and commit in
/// parallel.
/// </summary>
internal sealed class LogSourceState(string name, LogSourceSettings settings, LogMiner miner, LogFormat? format, RateSpikeDetector spikes)
{
    public string Name { get; } = name;
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The configured format and masks that <see cref="Miner"/> and <see cref="Format"/> were built from.</summary>
    public LogSourceSettings Settings { get; set; } = settings;

    public LogMiner Miner { get; set; } = miner;
    public LogFormat? Format { get; set; } = format;
    public RateSpikeDetector Spikes { get; private set; } = spikes;
    public Dictionary<long, TemplateInfo> Templates { get; } = [];
    public long Lines { get; set; }
    public long NextId { get; set; } = 1;
    public IReadOnlyDictionary<long, long> Aliases { get; set; } = new Dictionary<long, long>();

    /// <summary>When the source's last accepted line arrived (the stored <c>updated_at</c> after a restart):
    /// <c>logs.source_ttl</c> counts from here. Read and written under <see cref="Gate"/>.</summary>
    public DateTimeOffset LastLineAt { get; set; }

    /// <summary>The source was forgotten (its rows deleted) while a request waited for <see cref="Gate"/>: that request
    /// must take a fresh state instead, or its commit would write this one's templates back.</summary>
    public bool Forgotten { get => Volatile.Read(ref _forgotten); set => Volatile.Write(ref _forgotten, value); }

    private bool _forgotten;

    /// <summary>A commit of this source's lines failed after its miner had learned them: the miner and counts are ahead of
    /// storage (merges and evictions included) until the source is reloaded from it, before its next lines.</summary>
    public bool AheadOfStorage { get; set; }

    /// <summary>
    /// Takes everything <paramref name="stored"/> (loaded from storage) holds, in place: requests waiting on
    /// <see cref="Gate"/> hold this object. The alert timers of templates both know are kept: storage does not hold
    /// them, and a pattern that alerted seconds ago would alert again at once, as a new alert for the storm guard.
    /// </summary>
    public void ReplaceWith(LogSourceState stored)
    {
        (Settings, Miner, Format, Spikes) = (stored.Settings, stored.Miner, stored.Format, stored.Spikes);
        foreach (var (id, info) in stored.Templates)
        {
            if (Templates.TryGetValue(id, out var known))
            {
                info.KeepAlertTimersOf(known);
            }
        }
        Templates.Clear();
        foreach (var (id, info) in stored.Templates)
        {
            Templates[id] = info;
        }
        (Lines, NextId, Aliases, LastLineAt, AheadOfStorage) = (stored.Lines, stored.NextId, stored.Aliases, stored.LastLineAt, false);
    }
}
