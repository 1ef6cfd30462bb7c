namespace Vigil.Analytics.Logs;

/// <summary>What <see cref="LogMiner.Add"/> made of one message.</summary>
/// <param name="TemplateId">Stable id of the template the message belongs to (never reused; see <see cref="LogMiner.Resolve"/>).</param>
/// <param name="IsNew">True when this message created the template.</param>
/// <param name="Template">The template text with <c>&lt;*&gt;</c> for each variable (cached: no allocation per call).</param>
public readonly record struct MatchResult(long TemplateId, bool IsNew, string Template);
