using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

public sealed class CustomerBucketsTests
{
    private static readonly string[] Customers = [.. Enumerable.Range(0, 10_000).Select(i => $"customer-{i}")];

    [Fact]
    public void OnCanary_RaisingTheWeight_NeverTakesACustomerOff()
    {
        var previous = new HashSet<string>();
        foreach (var weight in new[] { 1.0, 5, 25, 50, 100 })
        {
            var on = Customers.Where(c => CustomerBuckets.OnCanary("green", c, weight)).ToHashSet();
            Assert.Superset(previous, on);
            // The share follows the weight (within 1.5 points over 10,000 customers).
            Assert.InRange(on.Count / 100.0, weight - 1.5, weight + 1.5);
            previous = on;
        }
    }

    [Fact]
    public void Of_IsStableAcrossCallsAndProcesses()
    {
        // A fixed value: the hash must not change between edge builds, or a restart would move customers.
        Assert.Equal(CustomerBuckets.Of("green", "customer-42"), CustomerBuckets.Of("green", "customer-42"));
        Assert.Equal(9_371, CustomerBuckets.Of("green", "customer-42"));
    }

    [Fact]
    public void Of_DifferentCanaries_PickDifferentFirstCustomers()
    {
        var green = Customers.Where(c => CustomerBuckets.OnCanary("green", c, 5)).ToHashSet();
        var purple = Customers.Where(c => CustomerBuckets.OnCanary("purple", c, 5)).ToHashSet();
        Assert.True(green.Intersect(purple).Count() < green.Count / 2);
    }
}
