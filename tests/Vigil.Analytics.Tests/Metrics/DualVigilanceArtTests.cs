using Vigil.Analytics.Metrics.Art;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>
/// The ART reuses its last activation when a sample is coded exactly as the one before; these check that the reuse
/// ends whenever something the activation depends on changes (a category founded or shrunk, a vigilance).
/// </summary>
public sealed class DualVigilanceArtTests
{
    private static double[] Sample(double first, double level = 0.5)
    {
        var sample = new double[DualVigilanceArt.Features];
        Array.Fill(sample, 0.5);
        (sample[0], sample[^1]) = (first, level);
        return sample;
    }

    private static DualVigilanceArt Seeded(double[] sample)
    {
        var art = new DualVigilanceArt { RhoLow = 0.5, RhoHigh = 0.9 };
        art.Train(sample);  // the first sample only makes the all-ones category
        Assert.False(art.Train(sample).Resonated, "a new sample founds a cluster");
        return art;
    }

    [Fact]
    public void The_same_sample_again_sees_the_category_it_founded()
    {
        var x = Sample(0.3);
        var art = Seeded(x);

        var again = art.Train(x);

        Assert.True(again.Resonated);
        Assert.Equal(1.0, again.Similarity);
        Assert.Equal(2, art.Categories);
        Assert.True(art.Train(x).Resonated, "and once more, reused");
    }

    [Fact]
    public void The_same_sample_after_a_vigilance_changed_is_judged_by_the_new_one()
    {
        var x = Sample(0.3);
        var art = Seeded(x);
        Assert.True(art.Train(x).Resonated);

        (art.RhoLow, art.RhoHigh) = (1.2, 1.5);
        var judged = art.Train(x);

        Assert.False(judged.Resonated);
        Assert.Equal(3, art.Categories);
    }

    [Fact]
    public void The_same_sample_after_its_category_shrank_matches_the_shrunk_box()
    {
        var x = Sample(0.3);
        var art = Seeded(x);
        var wider = Sample(0.32);   // resonates with x's category, which grows to hold it
        var first = art.Train(wider);
        Assert.True(first.Resonated);
        Assert.True(first.Similarity < 0.999, $"{first.Similarity}");

        // Single-precision weights: "exactly" 1 is 1 to float's precision.
        Assert.Equal(1.0, art.Train(wider).Similarity, 1e-6);
    }
}
