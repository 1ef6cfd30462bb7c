using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Budget;

/// <summary>
/// How a time slice without data counts. OpenSLO leaves this to implementations; Vigil reads it from the SLO
/// annotation <c>vigil/missing-data</c>. The default is <see cref="Ignore"/>: a gap neither earns nor spends budget,
/// so Vigil never claims a slice was good or bad without evidence. Occurrences budgets are unaffected: a gap has no events.
/// </summary>
public enum MissingDataPolicy
{
    Ignore,
    Good,
    Bad,
}

public static class MissingData
{
    public const string AnnotationKey = "vigil/missing-data";

    public const MissingDataPolicy Default = MissingDataPolicy.Ignore;

    public static bool TryParse(string? text, out MissingDataPolicy policy)
    {
        (var ok, policy) = text switch
        {
            "ignore" => (true, MissingDataPolicy.Ignore),
            "good" => (true, MissingDataPolicy.Good),
            "bad" => (true, MissingDataPolicy.Bad),
            _ => (false, Default),
        };
        return ok;
    }

    /// <summary>The policy an SLO's annotation asks for (validated by the parser), else <see cref="Default"/>.</summary>
    public static MissingDataPolicy Of(ServiceLevelObjective slo) =>
        TryParse(slo.Metadata.Annotation(AnnotationKey), out var policy) ? policy : Default;
}
