using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>
/// The scorer and the ARTime port together against NAB's published per-file results for ARTime
/// (numenta/NAB <c>results/ARTime/ARTime_standard_scores.csv</c>): at the published corpus threshold, every file of
/// the folder gets the same standard-profile score and the same counts of detections inside and outside windows.
/// A difference in the sweep (windows, probation, sigmoid, the cost of a false positive after a window) or in the
/// port would show here file by file, which the corpus totals can hide.
/// </summary>
public sealed class PublishedNabScoresTests(ITestOutputHelper output)
{
    private const double PublishedThreshold = 0.317486;

    /// <summary>File → (published standard score, detections in windows, detections outside windows).</summary>
    private static readonly Dictionary<string, (double Score, int TruePositives, int FalsePositives)> PublishedArtime = new(StringComparer.Ordinal)
    {
        ["artificialNoAnomaly/art_daily_no_noise.csv"] = (-0.11, 0, 1),
        ["artificialNoAnomaly/art_daily_perfect_square_wave.csv"] = (0.0, 0, 0),
        ["artificialNoAnomaly/art_daily_small_noise.csv"] = (0.0, 0, 0),
        ["artificialNoAnomaly/art_flatline.csv"] = (0.0, 0, 0),
        ["artificialNoAnomaly/art_noisy.csv"] = (0.0, 0, 0),
        ["artificialWithAnomaly/art_daily_flatmiddle.csv"] = (0.8039739326751801, 1, 1),
        ["artificialWithAnomaly/art_daily_jumpsdown.csv"] = (0.9934530536103384, 2, 0),
        ["artificialWithAnomaly/art_daily_jumpsup.csv"] = (0.8589086704377245, 1, 0),
        ["artificialWithAnomaly/art_daily_nojump.csv"] = (-1.11, 0, 1),
        ["artificialWithAnomaly/art_increase_spike_density.csv"] = (0.846035950698122, 2, 0),
        ["artificialWithAnomaly/art_load_balancer_spikes.csv"] = (0.0493832824805146, 2, 8),
        ["realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv"] = (1.6316790938898516, 3, 1),
        ["realAWSCloudwatch/ec2_cpu_utilization_53ea38.csv"] = (0.39804175935835506, 3, 4),
        ["realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv"] = (1.6976723158532012, 3, 0),
        ["realAWSCloudwatch/ec2_cpu_utilization_77c1ca.csv"] = (0.25006277563507817, 2, 7),
        ["realAWSCloudwatch/ec2_cpu_utilization_825cc2.csv"] = (0.819554525214459, 3, 2),
        ["realAWSCloudwatch/ec2_cpu_utilization_ac20cd.csv"] = (0.624212199857215, 2, 3),
        ["realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv"] = (-0.11, 0, 1),
        ["realAWSCloudwatch/ec2_cpu_utilization_fe7f93.csv"] = (-0.3338123387023829, 3, 9),
        ["realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv"] = (0.46730245349086535, 2, 5),
        ["realAWSCloudwatch/ec2_disk_write_bytes_c0d644.csv"] = (0.2810634605635003, 5, 6),
        ["realAWSCloudwatch/ec2_network_in_257a54.csv"] = (0.7648520127677702, 1, 1),
        ["realAWSCloudwatch/ec2_network_in_5abac7.csv"] = (1.0348311473992204, 3, 7),
        ["realAWSCloudwatch/elb_request_count_8c0756.csv"] = (1.3635913854419892, 2, 3),
        ["realAWSCloudwatch/grok_asg_anomaly.csv"] = (2.230665583083, 4, 4),
        ["realAWSCloudwatch/iio_us-east-1_i-a2eb1cd9_NetworkIn.csv"] = (-2.33, 0, 3),
        ["realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv"] = (1.4900140859924367, 2, 2),
        ["realAWSCloudwatch/rds_cpu_utilization_e47b3b.csv"] = (1.405996220856109, 3, 3),
        ["realKnownCause/ambient_temperature_system_failure.csv"] = (1.6577326504395065, 2, 1),
        ["realKnownCause/cpu_utilization_asg_misconfiguration.csv"] = (-0.257470331859453, 4, 11),
        ["realKnownCause/ec2_request_latency_system_failure.csv"] = (1.3905835377463662, 4, 4),
        ["realKnownCause/machine_temperature_system_failure.csv"] = (2.5563301921824606, 9, 10),
        ["realKnownCause/nyc_taxi.csv"] = (3.775210013719179, 7, 3),
        ["realKnownCause/rogue_agent_key_hold.csv"] = (-1.280892312855327, 1, 7),
        ["realKnownCause/rogue_agent_key_updown.csv"] = (-2.567650916046798, 0, 7),
    };

    [Fact]
    public void Artime_scores_every_folder_file_as_nab_published()
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var corpus = NabCorpus.Load(root);
        var costs = NabProfile.Standard.Costs;
        Assert.Equal(PublishedArtime.Keys.Order(StringComparer.Ordinal), corpus.Files.Select(f => f.RelativePath).Order(StringComparer.Ordinal));
        foreach (var file in corpus.Files)
        {
            var rows = NabSweeper.Sweep(file.Series.Timestamps, NabDetectors.ArtimeWithNabInputs(file.Series), file.Windows, costs);
            var (score, truePositives, falsePositives) = PublishedArtime[file.RelativePath];
            var detections = rows.Where(r => r.AnomalyScore >= PublishedThreshold).ToList();
            Assert.Equal((file.RelativePath, truePositives, falsePositives),
                (file.RelativePath, detections.Count(r => r.InWindow), detections.Count(r => !r.InWindow)));
            Assert.Equal(score, NabSweeper.ScoreAt(rows, costs, PublishedThreshold), 1e-9);
        }
    }
}
