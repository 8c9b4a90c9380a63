namespace Shop.Returns.Processing;

/// <summary>Recognises an image by its leading bytes, never by the file name or the declared content type.</summary>
internal static class ImageFormats
{
    public static string? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "jpeg";
        }

        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "png";
        }

        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "gif";
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "webp";
        }

        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8)
            && (data[8..12].SequenceEqual("heic"u8) || data[8..12].SequenceEqual("heix"u8) || data[8..12].SequenceEqual("mif1"u8)))
        {
            return "heic";
        }

        return null;
    }
}
