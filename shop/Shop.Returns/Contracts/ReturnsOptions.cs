using System.ComponentModel.DataAnnotations;

namespace Shop.Returns.Contracts;

/// <summary>The Returns module's settings. Bound from <c>Shop:Returns</c>; read per message, so a fix applies to redriven messages.</summary>
public sealed class ReturnsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Returns";

    /// <summary>Image formats the processor accepts, by magic bytes, comma-separated (<c>jpeg</c>, <c>png</c>, <c>gif</c>, <c>webp</c>, <c>heic</c>).</summary>
    /// <value>The default value is <c>jpeg,png,gif,webp</c>.</value>
    [Required]
    public string AcceptedImageFormats { get; set; } = "jpeg,png,gif,webp";

    /// <summary>The largest photo accepted at the edge.</summary>
    /// <value>The default value is 10 MB.</value>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxPhotoBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most photos one return may carry.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 20)]
    public int MaxPhotos { get; set; } = 5;
}
