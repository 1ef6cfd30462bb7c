using Vigil.Core.Matching;

namespace Vigil.Core.Inhibition;

/// <summary>
/// Mutes alerts matching <see cref="TargetMatchers"/> while an alert matching <see cref="SourceMatchers"/> fires with
/// the same values for every label in <see cref="Equal"/> (Alertmanager's inhibit_rules).
/// </summary>
public sealed record InhibitRule(
    IReadOnlyList<Matcher> SourceMatchers,
    IReadOnlyList<Matcher> TargetMatchers,
    IReadOnlyList<string> Equal);
