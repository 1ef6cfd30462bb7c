namespace Vigil.Analytics.Logs;

/// <summary>
/// An immutable snapshot of one template, the unit a storage layer persists and <see cref="LogMiner.Import"/> reloads.
/// </summary>
/// <param name="Id">Stable id, unique within its miner and never reused.</param>
/// <param name="Template">Rendered text, <c>&lt;*&gt;</c> for each variable.</param>
/// <param name="Tokens">
/// The template's token slots: a constant word, or <c>&lt;*&gt;</c>-bearing text for a variable slot. Reloading needs
/// these (not <see cref="Template"/>) because rendering may join neighbouring variables.
/// </param>
/// <param name="VariableSlots">For each token slot, whether it is a merged variable that takes any word (a slot whose
/// token is <c>&lt;*&gt;</c> takes masked words only).</param>
/// <param name="Count">Messages matched so far.</param>
/// <param name="FirstSeen">When the first message arrived.</param>
/// <param name="LastSeen">When the latest message arrived.</param>
public sealed record LogTemplate(
    long Id,
    string Template,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<bool> VariableSlots,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

/// <summary>Everything a miner needs to resume after a restart with the same ids.</summary>
/// <param name="NextId">The next id to hand out (ids are never reused, even after eviction).</param>
/// <param name="Templates">The live templates.</param>
/// <param name="Aliases">Ids of templates merged into another one, mapped to the id that absorbed them.</param>
public sealed record MinerSnapshot(long NextId, IReadOnlyList<LogTemplate> Templates, IReadOnlyDictionary<long, long> Aliases);
