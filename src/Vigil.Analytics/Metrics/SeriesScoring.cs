namespace Vigil.Analytics.Metrics;

/// <summary>Offline use of the streaming detector: a whole series, row by row, in file order.</summary>
public static class SeriesScoring
{
    /// <summary>
    /// The score at which an anomaly is reported by default: the standard-profile threshold NAB's optimiser chose
    /// for these settings on the NAB folder (rounded), so "flagged" means what the benchmark measured.
    /// </summary>
    public const double DefaultAlertThreshold = 0.69;

    /// <summary>Scores every row with one fresh detector; rows that are out of order or missing score 0.</summary>
    public static AnomalyScore[] Score(MetricSeries series, DetectorSettings? settings = null)
    {
        var detector = new MetricAnomalyDetector(settings);
        var scores = new AnomalyScore[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Update(series.Timestamps[i], series.Values[i]);
        }
        return scores;
    }

    /// <summary>Just the anomaly scores (NAB's result column).</summary>
    public static double[] AnomalyScores(MetricSeries series, DetectorSettings? settings = null)
    {
        var detector = new MetricAnomalyDetector(settings);
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Update(series.Timestamps[i], series.Values[i]).Score;
        }
        return scores;
    }
}
