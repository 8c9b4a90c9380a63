using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Shop.Infrastructure.HttpCaching;

/// <summary>Entity tags for representations that have no version of their own (a page of a list, a composed page).</summary>
public static class EntityTags
{
    /// <summary>
    /// A weak tag (<c>W/"…"</c>) from a digest of <paramref name="content"/>: weak because it names what the answer says,
    /// not its bytes, so it is good for <c>If-None-Match</c> but never for <c>If-Match</c>. SHA-256 rather than
    /// <see cref="HashCode"/>: the tag must be the same from every instance and after a restart.
    /// </summary>
    public static EntityTagHeaderValue WeakOf(ReadOnlySpan<byte> content)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, digest);
        return new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(digest[..12])}\"", isWeak: true);
    }

    /// <summary>
    /// Whether <paramref name="ifNoneMatch"/> (the request's header) matches <paramref name="current"/> by the weak
    /// comparison RFC 9110 §13.1.2 requires for <c>If-None-Match</c>; <c>*</c> matches any current representation.
    /// </summary>
    public static bool IfNoneMatchMatches(IList<EntityTagHeaderValue> ifNoneMatch, EntityTagHeaderValue current)
    {
        ArgumentNullException.ThrowIfNull(ifNoneMatch);
        ArgumentNullException.ThrowIfNull(current);
        return ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }
}
