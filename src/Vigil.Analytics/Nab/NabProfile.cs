using System.Text.Json;

namespace Vigil.Analytics.Nab;

/// <summary>A named NAB application profile.</summary>
public sealed record NabProfile(string Name, CostMatrix Costs)
{
    public static readonly NabProfile Standard = new("standard", new(1.0, 0.11, 1.0));
    public static readonly NabProfile RewardLowFalsePositives = new("reward_low_FP_rate", new(1.0, 0.22, 1.0));
    public static readonly NabProfile RewardLowFalseNegatives = new("reward_low_FN_rate", new(1.0, 0.11, 2.0));

    /// <summary>The three published profiles, as in NAB's <c>config/profiles.json</c>.</summary>
    public static IReadOnlyList<NabProfile> Published { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];

    /// <summary>Reads <c>config/profiles.json</c>: <c>{"name": {"CostMatrix": {"tpWeight": …, "fpWeight": …, "fnWeight": …}}}</c>.</summary>
    public static IReadOnlyList<NabProfile> Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var profiles = new List<NabProfile>();
        foreach (var profile in document.RootElement.EnumerateObject())
        {
            var costs = profile.Value.GetProperty("CostMatrix");
            profiles.Add(new NabProfile(profile.Name, new CostMatrix(
                costs.GetProperty("tpWeight").GetDouble(),
                costs.GetProperty("fpWeight").GetDouble(),
                costs.GetProperty("fnWeight").GetDouble())));
        }
        return profiles;
    }
}
