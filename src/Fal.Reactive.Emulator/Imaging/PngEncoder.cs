using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Fal.Reactive.Emulator.Imaging;

/// <summary>A minimal PNG encoder: 8-bit RGB, one IDAT, every row with the Sub filter.</summary>
internal static class PngEncoder
{
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes <paramref name="rgb"/> (3 bytes a pixel, rows top to bottom) as a PNG file.</summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var stride = width * 3;
        if (rgb.Length != stride * height)
        {
            throw new ArgumentException("The pixel buffer does not match the size.", nameof(rgb));
        }

        using var png = new MemoryStream();
        png.Write(s_signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;      // bit depth
        header[9] = 2;      // colour type: truecolour (RGB)
        header[10] = 0;     // compression: deflate
        header[11] = 0;     // filter method 0
        header[12] = 0;     // no interlace
        WriteChunk(png, "IHDR", header);

        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.Fastest, leaveOpen: true))
            {
                // The Sub filter stores each byte minus the one a pixel to its left: gradients become
                // runs of equal bytes, which deflate shrinks to almost nothing.
                var row = new byte[1 + stride];
                row[0] = 1;
                for (var y = 0; y < height; y++)
                {
                    var source = rgb.Slice(y * stride, stride);
                    for (var i = 0; i < stride; i++)
                    {
                        row[1 + i] = i < 3 ? source[i] : (byte)(source[i] - source[i - 3]);
                    }

                    zlib.Write(row);
                }
            }

            WriteChunk(png, "IDAT", data.GetBuffer().AsSpan(0, (int)data.Length));
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        png.Write(buffer);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(buffer, Crc32.Compute(typeBytes, data));
        png.Write(buffer);
    }
}
