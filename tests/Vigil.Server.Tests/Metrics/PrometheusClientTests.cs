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

    private sealed class AnswerWith(Func<HttpContent> content) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content() });
    }

    /// <summary>A body that never ends (<paramref name="stall"/>: after its first bytes, nothing more comes).</summary>
    private sealed class EndlessBody(bool stall) : Stream
    {
        private static readonly byte[] Start = Encoding.UTF8.GetBytes("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
        private long _position;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= Start.Length && stall)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            var n = Math.Min(buffer.Length, 65536);
            for (var i = 0; i < n; i++)
            {
                buffer.Span[i] = _position < Start.Length ? Start[_position] : (byte)' ';
                _position++;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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

    /// <summary>Answers that look like Prometheus' but are not (a proxy, another TSDB): a clear poll failure, not
    /// .NET's "requires an element of type 'String'" (and, in <c>vigil slo</c>, not an unhandled exception).</summary>
    [Theory]
    [InlineData("{\"status\":1}")]
    [InlineData("{\"status\":\"success\"}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"value\":[1700000000,\"1\"]}]}}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":1},\"value\":[1700000000,\"1\"]}]}}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000]}]}}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[\"soon\",\"1\"]}]}}")]
    [InlineData("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1e300,\"1\"]}]}}")]
    public async Task A_malformed_answer_is_a_query_failure_that_says_so(string json)
    {
        var http = new HttpClient(new Answer(json));

        var failure = await Assert.ThrowsAsync<PrometheusQueryException>(() => new PrometheusClient(http).QueryAsync(Source, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Contains("http://prometheus:9090/", failure.Message);
    }

    [Fact]
    public async Task An_answer_larger_than_the_limit_stops_being_read_and_says_why()
    {
        var http = new HttpClient(new AnswerWith(() => new StreamContent(new EndlessBody(stall: false))));

        var failure = await Assert.ThrowsAsync<PrometheusQueryException>(() => new PrometheusClient(http).QueryAsync(Source, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Contains("answered more than 64 MiB", failure.Message);
    }

    [Fact]
    public async Task A_body_that_stops_coming_is_a_timeout()
    {
        var http = new HttpClient(new AnswerWith(() => new StreamContent(new EndlessBody(stall: true)))) { Timeout = TimeSpan.FromMilliseconds(500) };

        var failure = await Assert.ThrowsAsync<PrometheusQueryException>(() => new PrometheusClient(http).QueryAsync(Source, DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Contains("did not answer within", failure.Message);
    }
}
