using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Config;

/// <summary>The <c>slos:</c> section: OpenSLO files (absolute paths) and the catalog read from them at load time.</summary>
public sealed record SlosConfig(IReadOnlyList<string> Files, OpenSloCatalog Catalog)
{
    public static readonly SlosConfig Default = new([], OpenSloCatalog.Link([]));
}
