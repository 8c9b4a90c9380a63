using System.Security.Cryptography;

namespace Shop.Returns.Api;

/// <summary>
/// Reads one uploaded photo on its way to the blob store: counts and hashes it as it passes, and stops it at the size
/// limit, so the edge never holds a photo in memory to check it.
/// </summary>
internal sealed class PhotoUploadStream(Stream inner, long maxBytes) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    /// <summary>The SHA-256 (hex) of everything read; call once, at the end.</summary>
    public string Sha256() => Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += read;
        if (BytesRead > maxBytes)
        {
            throw new PhotoTooLargeException(maxBytes);
        }

        _sha256.AppendData(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Uploads are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A photo grew past <see cref="Contracts.ReturnsOptions.MaxPhotoBytes"/> while it was streaming in.</summary>
internal sealed class PhotoTooLargeException(long maxBytes) : Exception($"A photo is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
