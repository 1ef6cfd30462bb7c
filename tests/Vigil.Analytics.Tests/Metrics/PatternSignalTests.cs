using Vigil.Analytics.Metrics;
using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>A score the pattern members raised on an unremarkable value names the member that gave it most: CAD an
/// unexpected sequence (<see cref="AnomalySignal.Pattern"/>), ARTime or the nearest window a stretch unlike any before,
/// the transition novelty a move between levels never made before.</summary>
public sealed class PatternSignalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.7, 0.2, 0.1, AnomalySignal.Pattern)]
    [InlineData(0.2, 0.7, 0.1, AnomalySignal.NovelStretch)]
    [InlineData(0.0, 0.3, 0.9, AnomalySignal.NovelTransition)]
    [InlineData(0.5, 0.5, 0.5, AnomalySignal.Pattern)]
    [InlineData(0.0, 0.4, 0.4, AnomalySignal.NovelStretch)]
    public void The_member_with_the_largest_share_names_the_pattern(double contextual, double stretch, double transition, AnomalySignal expected) =>
        Assert.Equal(expected, MetricAnomalyDetector.PatternLeader(contextual, stretch, transition));

    /// <summary>Before the kinds were told apart such an alert read "an unexpected sequence of values", CAD's finding,
    /// also from the detectors that have no CAD, or — when the likelihood said anything at all — named the strongest
    /// statistical reading of a value that was not remarkable. On NAB's folder `balanced` now names 57 stretches and 33
    /// transitions and never CAD's kind (before: 5 "unexpected sequences"); the default 38 sequences and 51 stretches.</summary>
    [Fact]
    public void On_NAB_each_detector_names_only_the_pattern_members_it_has()
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var files = NabCorpus.Load(root).Files;
        var balanced = PatternAlerts(files, DetectorSettings.Balanced);
        var contextual = PatternAlerts(files, DetectorSettings.Default);
        output.WriteLine($"balanced: {string.Join(", ", balanced)}; contextual: {string.Join(", ", contextual)}");
        Assert.DoesNotContain(AnomalySignal.Pattern, balanced.Keys);
        Assert.True(balanced.GetValueOrDefault(AnomalySignal.NovelTransition) > 0, "balanced reported no transition");
        Assert.True(balanced.GetValueOrDefault(AnomalySignal.NovelStretch) > 0, "balanced reported no novel stretch");
        Assert.True(contextual.GetValueOrDefault(AnomalySignal.Pattern) > 0, "the default reported no CAD sequence");
        Assert.True(contextual.GetValueOrDefault(AnomalySignal.NovelStretch) > 0, "the default reported no novel stretch");
    }

    private static Dictionary<AnomalySignal, int> PatternAlerts(IEnumerable<NabDataFile> files, DetectorSettings settings) =>
        files.SelectMany(f => SeriesScoring.Score(f.Series, settings))
            .Where(s => s.Score >= settings.AlertThreshold && s.Signal is AnomalySignal.Pattern or AnomalySignal.NovelStretch or AnomalySignal.NovelTransition)
            .GroupBy(s => s.Signal)
            .ToDictionary(g => g.Key, g => g.Count());
}
