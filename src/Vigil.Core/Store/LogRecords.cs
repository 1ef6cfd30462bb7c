namespace Vigil.Core.Store;

/// <summary>
/// One learned log template as stored. The miner's own snapshot (tokens and variable slots) is kept so a restart
/// resumes with the same ids; <see cref="Examples"/> holds a few raw lines for people to read.
/// </summary>
/// <param name="Level">Guessed level of the template's lines (fatal, error, warn, info, debug or empty).</param>
/// <param name="Service">The service of the stream that first produced the template.</param>
public sealed record LogTemplateRecord(
    string Source,
    long Id,
    string Template,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<bool> VariableSlots,
    string Level,
    string Service,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Examples);

/// <summary>
/// A log source (one miner): the id counter and merge aliases the miner needs to resume, and the lines seen.
/// </summary>
/// <param name="Aliases">Ids of templates merged into another one, mapped to the id that absorbed them.</param>
/// <param name="Templates">Filled on read only: how many templates the source has stored.</param>
public sealed record LogSourceRecord(
    string Source,
    long NextId,
    IReadOnlyDictionary<long, long> Aliases,
    long Lines,
    DateTimeOffset UpdatedAt,
    int Templates = 0);

/// <summary>
/// Lines of one template in one minute. Written as an increment: a commit adds <see cref="Count"/> to the stored row,
/// so concurrent commits for the same minute never lose each other's lines.
/// </summary>
/// <param name="Minute">Minutes since the Unix epoch (UTC).</param>
public sealed record LogMinuteCount(string Source, long TemplateId, long Minute, long Count);

public readonly record struct LogTemplateKey(string Source, long Id);

/// <summary>Template <paramref name="From"/> of a source was merged into <paramref name="Into"/>: its per-minute counts move there.</summary>
public sealed record LogTemplateMerge(string Source, long From, long Into);

public enum LogTemplateOrder
{
    /// <summary>Ascending id: the order a miner is restored in.</summary>
    Id,

    /// <summary>Most recently first seen first.</summary>
    Newest,

    /// <summary>Fewest lines first.</summary>
    Rarest,

    /// <summary>Most lines first.</summary>
    Count,
}
