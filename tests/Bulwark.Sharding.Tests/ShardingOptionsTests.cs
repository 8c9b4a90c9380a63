using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sharding.Tests;

public sealed class ShardingOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(ShardedIds.MaxBuckets + 1)]
    public void Validate_BucketCountOutOfRange_Refused(int buckets)
    {
        var options = new ShardingOptions { BucketCount = buckets };
        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ShardingOptions.BucketCount)));
    }

    [Fact]
    public void Validate_Defaults_Accepted()
    {
        var options = new ShardingOptions();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
        Assert.Equal(1024, options.BucketCount);
    }
}
