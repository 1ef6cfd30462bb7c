namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// YAML that OpenSLO leaves free-form (<c>metricSource.spec</c>, <c>DataSource.connectionDetails</c>): kept as a
/// small tree so it survives a round trip unchanged, and compared by value.
/// </summary>
public abstract record FreeYaml
{
    private FreeYaml()
    {
    }

    /// <summary>A scalar; null for an empty or <c>~</c> value.</summary>
    public sealed record Scalar(string? Value) : FreeYaml;

    public sealed record List(ValueList<FreeYaml> Items) : FreeYaml;

    /// <summary>A mapping in file order.</summary>
    public sealed record Map(ValueList<KeyValuePair<string, FreeYaml>> Entries) : FreeYaml
    {
        public FreeYaml? this[string key]
        {
            get
            {
                foreach (var (k, v) in Entries)
                {
                    if (k == key)
                    {
                        return v;
                    }
                }
                return null;
            }
        }
    }

    public static FreeYaml Null { get; } = new Scalar(null);

    /// <summary>The string at <paramref name="key"/> of a mapping, or null.</summary>
    public string? GetString(string key) => this is Map map && map[key] is Scalar { Value: { } value } ? value : null;
}
