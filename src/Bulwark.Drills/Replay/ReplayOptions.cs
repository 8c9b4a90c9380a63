using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Replay;

/// <summary>Options of the <see cref="ReplayDrill"/>.</summary>
public sealed class ReplayOptions
{
    /// <summary>Where the target lists its projections and rebuilds them (<c>MapBulwarkProjections</c>).</summary>
    /// <value>The default value is <c>/admin/projections</c>.</value>
    [Required]
    public string ProjectionsPath { get; set; } = "/admin/projections";

    /// <summary>
    /// Read-model queries whose answers must be byte-for-byte the same after the replay. The first one is also read
    /// continuously during each rebuild, to count what readers see meanwhile.
    /// </summary>
    /// <value>The default value is the shop's product list, <c>/api/products?pageSize=100</c>.</value>
    [MinLength(1)]
    public IList<string> ReadPaths { get; } = [ShopPaths.Products(pageSize: 100)];

    /// <summary>The longest a single projection's rebuild may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxRebuild { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the drill waits for every projection to catch up before it takes the "before" picture.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The pause between two reads of the first read path during a rebuild.</summary>
    /// <value>The default value is 10 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The drill's own client gives up on a request after this (a rebuild request included).</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
