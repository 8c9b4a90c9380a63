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

    /// <summary>The largest photo accepted at the edge; a larger one is answered 413 and nothing of the return is kept.</summary>
    /// <value>The default value is 10 MiB.</value>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxPhotoBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The most photos one return may carry; one more is answered 422 naming <c>photos</c>.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 20)]
    public int MaxPhotos { get; set; } = 5;

    /// <summary>The longest reason, in characters; a longer one is answered 422 naming <c>reason</c>.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 10_000)]
    public int MaxReasonLength { get; set; } = 1000;

    /// <summary>
    /// The largest request body of <c>POST /api/returns</c>: every photo at its largest plus room for the fields and
    /// multipart framing. Above the server's default body limit, which this endpoint raises to it.
    /// </summary>
    public long MaxRequestBytes => (MaxPhotos * MaxPhotoBytes) + FormOverheadBytes;

    /// <summary>Room for the text fields and the multipart headers of each part.</summary>
    internal const long FormOverheadBytes = 64 * 1024;
}
