using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>The metric-series table: detector state and recent points, stored as opaque blobs.</summary>
public abstract partial class StoreContract
{
    private static MetricSeriesRecord Series(string id, byte fill, int seconds) => new(
        id, "disk_used_percent", new Dictionary<string, string> { ["mountpoint"] = "/data", ["instance"] = "db-1", ["ünï"] = "cödé" },
        [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * fill))], [0, 1, 2, fill, 255], At(seconds, 7));

    [Fact]
    public async Task Metric_series_round_trip_with_their_blobs_and_are_replaced_by_id()
    {
        Assert.Empty(await Store.ReadMetricSeriesAsync().ToListAsync());
        await Apply(Changes(c =>
        {
            c.MetricSeries.Add(Series("b2", 3, 10));
            c.MetricSeries.Add(Series("a1", 5, 20));
        }));
        // The last write of a key in one commit wins, and a later commit replaces the row.
        await Apply(Changes(c => c.MetricSeries.Add(Series("a1", 7, 30))), Changes(c => c.MetricSeries.Add(Series("a1", 9, 40))));

        var stored = await Store.ReadMetricSeriesAsync().ToListAsync();
        Assert.Equal(["a1", "b2"], stored.Select(s => s.Id));
        var expected = Series("a1", 9, 40);
        var a1 = stored[0];
        Assert.Equal(expected.Name, a1.Name);
        Assert.Equal(expected.Labels.OrderBy(l => l.Key), a1.Labels.OrderBy(l => l.Key));
        Assert.Equal(expected.State, a1.State);
        Assert.Equal(expected.Points, a1.Points);
        Assert.Equal(expected.UpdatedAt, a1.UpdatedAt);
        Assert.Equal(Series("b2", 3, 10).State, stored[1].State);

        await ReopenAsync();
        Assert.Equal(2, (await Store.ReadMetricSeriesAsync().ToListAsync()).Count);
    }
}

public abstract partial class StoreContract
{
    [Fact]
    public async Task Metric_samples_are_journaled_in_order_and_pruned_by_checkpoint_and_first_sightings_never_overwrite()
    {
        await Apply(Changes(c =>
        {
            c.NewMetricSeries.Add(Series("s1", 1, 0));
            c.MetricSamples.Add(new MetricSampleRecord("s1", 100, 1.5, 1_000));
            c.MetricSamples.Add(new MetricSampleRecord("s1", 200, double.MaxValue, 1_000));
        }));
        // A checkpoint wrote a newer state; a late first sighting of the same series must not undo it.
        await Apply(Changes(c => c.MetricSeries.Add(Series("s1", 9, 50))));
        await Apply(Changes(c =>
        {
            c.NewMetricSeries.Add(Series("s1", 1, 0));
            c.MetricSamples.Add(new MetricSampleRecord("s1", 300, -2.25, 3_000));
        }));
        Assert.Equal(Series("s1", 9, 50).State, Assert.Single(await Store.ReadMetricSeriesAsync().ToListAsync()).State);
        Assert.Equal([100L, 200L, 300L], (await Store.ReadMetricSamplesAsync().ToListAsync()).Select(s => s.TimestampTicks));
        Assert.Equal(double.MaxValue, (await Store.ReadMetricSamplesAsync().ToListAsync())[1].Value);

        await Apply(Changes(c => c.PruneMetricSamplesRecordedBeforeTicks = 2_000));
        var left = Assert.Single(await Store.ReadMetricSamplesAsync().ToListAsync());
        Assert.Equal(new MetricSampleRecord("s1", 300, -2.25, 3_000), left);
    }

    [Fact]
    public async Task A_series_journal_is_dropped_with_what_was_merged_before_the_drop_and_kept_after_it()
    {
        await Apply(Changes(c =>
        {
            c.MetricSamples.Add(new MetricSampleRecord("s1", 100, 1, 1_000));
            c.MetricSamples.Add(new MetricSampleRecord("s2", 100, 2, 1_000));
        }));
        // One commit of three sets, as a group commit merges them: samples of s1 journaled before its drop go with it,
        // those after it stay; s2 is untouched.
        await Apply(
            Changes(c => c.MetricSamples.Add(new MetricSampleRecord("s1", 200, 3, 2_000))),
            Changes(c => c.DroppedMetricJournals.Add("s1")),
            Changes(c => c.MetricSamples.Add(new MetricSampleRecord("s1", 300, 4, 3_000))));
        Assert.Equal([("s1", 300L), ("s2", 100L)], (await Store.ReadMetricSamplesAsync().ToListAsync()).Select(s => (s.SeriesId, s.TimestampTicks)).Order());

        await Apply(Changes(c => c.DroppedMetricJournals.Add("s1")));
        Assert.Equal("s2", Assert.Single(await Store.ReadMetricSamplesAsync().ToListAsync()).SeriesId);

        // Several series in one commit (a relearn of many): each one's samples go, the others' stay.
        await Apply(Changes(c =>
        {
            c.MetricSamples.Add(new MetricSampleRecord("s1", 400, 5, 4_000));
            c.MetricSamples.Add(new MetricSampleRecord("s3", 400, 6, 4_000));
        }));
        await Apply(Changes(c => c.DroppedMetricJournals.AddRange(["s1", "s2", "unknown"])));
        Assert.Equal("s3", Assert.Single(await Store.ReadMetricSamplesAsync().ToListAsync()).SeriesId);
    }

    [Fact]
    public async Task A_deleted_metric_series_goes_with_what_was_merged_before_the_deletion_and_comes_back_if_written_after()
    {
        await Apply(Changes(c =>
        {
            c.MetricSeries.Add(Series("s1", 1, 10));
            c.MetricSeries.Add(Series("s2", 2, 20));
        }));
        // One commit of three sets, as a group commit merges them: s1's checkpoint before its deletion goes with it.
        await Apply(
            Changes(c => c.MetricSeries.Add(Series("s1", 3, 30))),
            Changes(c => c.DeletedMetricSeries.Add("s1")),
            Changes(c => c.MetricSeries.Add(Series("s2", 4, 40))));
        Assert.Equal(Series("s2", 4, 40).State, Assert.Single(await Store.ReadMetricSeriesAsync().ToListAsync()).State);

        // A series that sends again after it was forgotten is a new one, written after the deletion in the same commit.
        await Apply(Changes(c => c.DeletedMetricSeries.Add("s2")), Changes(c => c.NewMetricSeries.Add(Series("s2", 5, 0))));
        Assert.Equal(Series("s2", 5, 0).State, Assert.Single(await Store.ReadMetricSeriesAsync().ToListAsync()).State);
    }

    [Fact]
    public async Task A_large_batch_of_metric_samples_is_journaled_whole_and_in_order()
    {
        // As a push of many samples journals them: one commit, and the order is the replay order.
        var samples = Enumerable.Range(0, 150).Select(i => new MetricSampleRecord($"s{i % 7}", 1_000 - i, i * 0.5, 10 + (i % 3))).ToList();
        await Apply(Changes(c =>
        {
            c.NewMetricSeries.Add(Series("s0", 1, 0));
            c.MetricSamples.AddRange(samples);
        }));
        Assert.Equal(samples, await Store.ReadMetricSamplesAsync().ToListAsync());
    }

    [Fact]
    public async Task A_metric_series_keeps_the_name_of_its_detector_and_older_rows_have_none()
    {
        await Apply(Changes(c =>
        {
            c.NewMetricSeries.Add(Series("named", 1, 0) with { Detector = "balanced" });
            c.MetricSeries.Add(Series("legacy", 2, 0));
        }));
        await Apply(Changes(c => c.MetricSeries.Add(Series("named", 3, 10) with { Detector = "contextual" })));

        var stored = (await Store.ReadMetricSeriesAsync().ToListAsync()).ToDictionary(r => r.Id, r => r.Detector);
        Assert.Equal(new Dictionary<string, string?> { ["legacy"] = null, ["named"] = "contextual" }, stored);
    }
}
