using System.ComponentModel.DataAnnotations;

namespace Shop.Host.Externals;

/// <summary>Where the third-party stand-ins are, and whether the host launches them. Bound from <c>Shop:Externals</c>.</summary>
public sealed class ExternalsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Externals";

    /// <summary>Launch the stand-ins as a child process at start and stop them at shutdown.</summary>
    /// <value>The default value is <see langword="false"/>; appsettings.json turns it on for the run command.</value>
    public bool Launch { get; set; }

    /// <summary>Base address of the payment provider.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5101</c>.</value>
    [Required]
    public Uri PaymentProviderUrl { get; set; } = new("http://127.0.0.1:5101");

    /// <summary>Base address of the recommendations engine.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5102</c>.</value>
    [Required]
    public Uri RecommendationsUrl { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>How long start-up waits for the launched stand-ins to answer their health probes.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan LaunchTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
