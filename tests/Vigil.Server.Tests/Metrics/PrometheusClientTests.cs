using System.Net;
using System.Text;
using Vigil.Core.Config;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

/// <summary>How a Prometheus answer becomes samples (the real server is exercised in RealTools; these are the answers
/// it gives only in odd cases).</summary>
public sealed class PrometheusClientTests
{
    private sealed class Answer(string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
    }

    private static readonly MetricSourceConfig Source =
        new("queues", new Uri("http://prometheus:9090"), "queue_depth", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), TimeSpan.Zero);

    private static Task<PolledSamples> QueryAsync(string result)
    {
        var http = new HttpClient(new Answer("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":" + result + "}}"));
        return new PrometheusClient(http).QueryAsync(Source, DateTimeOffset.UtcNow, CancellationToken.None);
    }

    [Fact]
    public async Task An_empty_answer_says_it_returned_no_series()
    {
        var polled = await QueryAsync("[]");

        Assert.Equal((0, 0, 0), (polled.Samples.Count, polled.Series, polled.InvalidSeries));
    }

    [Fact]
    public async Task A_series_the_push_endpoints_would_refuse_is_left_out_and_counted()
    {
        var nul = "{\"metric\":{\"__name__\":\"queue_depth\",\"queue\":\"a\\u0000b\"},\"value\":[1700000000,\"1\"]}";
        var tooLong = "{\"metric\":{\"__name__\":\"queue_depth\",\"queue\":\"" + new string('x', 1025) + "\"},\"value\":[1700000000,\"1\"]}";
        var fine = "{\"metric\":{\"__name__\":\"queue_depth\",\"queue\":\"c\"},\"value\":[1700000000,\"3\"]}";

        var polled = await QueryAsync($"[{nul},{tooLong},{fine}]");

        Assert.Equal((3, 2), (polled.Series, polled.InvalidSeries));
        var sample = Assert.Single(polled.Samples);
        Assert.Equal(("c", 3.0), (sample.Series.Labels["queue"], sample.Value));
    }

    [Fact]
    public void A_poll_with_no_series_is_no_data_and_its_note_is_news_once()
    {
        var status = new MetricSourceStatus("queues", "http://prometheus:9090", "queue_depth", TimeSpan.FromMinutes(1));

        Assert.True(status.Succeeded(DateTimeOffset.UtcNow, 0, 0, noData: true, note: "the query returned no series"));
        Assert.False(status.Succeeded(DateTimeOffset.UtcNow, 0, 0, noData: true, note: "the query returned no series"));
        Assert.Equal(("no_data", "the query returned no series"), (status.State, status.Note));

        Assert.True(status.Succeeded(DateTimeOffset.UtcNow, 1, 1)); // the note went away
        Assert.Equal(("ok", (string?)null), (status.State, status.Note));
    }
}
