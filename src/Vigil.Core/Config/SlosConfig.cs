using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Config;

/// <summary>
/// The <c>slos:</c> section: OpenSLO files (absolute paths), the catalog read from them at load time, and how often
/// burn-rate alerts are evaluated.
/// </summary>
public sealed record SlosConfig(IReadOnlyList<string> Files, OpenSloCatalog Catalog, TimeSpan EvaluationInterval)
{
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromSeconds(30);

    public static readonly SlosConfig Default = new([], OpenSloCatalog.Link([]), DefaultEvaluationInterval);
}
