using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Alerts;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_strings_come_back_as_one_instance()
    {
        var pool = new StringPool();
        var first = pool.Intern(new string("severity".AsSpan()));
        var second = pool.Intern(new string("severity".AsSpan()));
        Assert.Same(first, second);
    }

    [Fact]
    public void Long_strings_and_strings_beyond_capacity_are_returned_unpooled()
    {
        var pool = new StringPool(capacity: 2, maxLength: 4);
        var longValue = new string('x', 5);
        Assert.Same(longValue, pool.Intern(longValue));
        Assert.NotSame(pool.Intern(new string('x', 5)), pool.Intern(new string('x', 5)));

        pool.Intern("a");
        pool.Intern("b");
        var third = new string("c".AsSpan());
        Assert.Same(third, pool.Intern(third));
        Assert.NotSame(pool.Intern(new string("c".AsSpan())), third);
        Assert.Equal(2, pool.Count);
    }

    [Fact]
    public void Distinct_pairs_are_sorted_and_duplicates_refused()
    {
        var set = LabelSet.FromDistinctPairs([new("b", "2"), new("a", "1")]);
        Assert.Equal(LabelSet.From(("a", "1"), ("b", "2")), set);
        Assert.Equal(LabelSet.From(("a", "1"), ("b", "2")).Fingerprint(), set.Fingerprint());
        Assert.Throws<ArgumentException>(() => LabelSet.FromDistinctPairs([new("a", "1"), new("a", "2")]));
        Assert.Same(LabelSet.Empty, LabelSet.FromDistinctPairs([]));
    }
}
