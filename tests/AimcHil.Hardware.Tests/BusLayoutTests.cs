using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AimcHil.Hardware.Native;
using Xunit.Abstractions;

namespace AimcHil.Hardware.Tests;

/// <summary>The spidev, i2c-dev and GPIO v2 structs and ioctl numbers pinned to linux/spi/spidev.h, linux/i2c.h,
/// linux/i2c-dev.h and linux/gpio.h (values printed with gcc's sizeof/offsetof on x86_64; the structs are laid out
/// the same on arm64), and cross-checked with gcc when it is installed.</summary>
public class BusLayoutTests(ITestOutputHelper output)
{
    [Fact]
    public void SpiIocTransferMatchesSpidevH()
    {
        Assert.Equal(32, Unsafe.SizeOf<SpiIocTransfer>());
        Assert.Equal(32, Marshal.SizeOf<SpiIocTransfer>());
        Assert.Equal(0, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.TxBuffer)));
        Assert.Equal(8, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.RxBuffer)));
        Assert.Equal(16, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.Length)));
        Assert.Equal(20, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.SpeedHz)));
        Assert.Equal(24, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.DelayMicroseconds)));
        Assert.Equal(26, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.BitsPerWord)));
        Assert.Equal(27, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.ChipSelectChange)));
        Assert.Equal(28, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.TxBits)));
        Assert.Equal(29, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.RxBits)));
        Assert.Equal(30, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.WordDelayMicroseconds)));
        Assert.Equal(31, CProbe.Offset<SpiIocTransfer>(nameof(SpiIocTransfer.Pad)));
    }

    [Fact]
    public void I2cStructsMatchI2cH()
    {
        Assert.Equal(16, Unsafe.SizeOf<I2cMessage>());
        Assert.Equal(0, CProbe.Offset<I2cMessage>(nameof(I2cMessage.Address)));
        Assert.Equal(2, CProbe.Offset<I2cMessage>(nameof(I2cMessage.Flags)));
        Assert.Equal(4, CProbe.Offset<I2cMessage>(nameof(I2cMessage.Length)));
        Assert.Equal(8, CProbe.Offset<I2cMessage>(nameof(I2cMessage.Buffer)));
        Assert.Equal(16, Unsafe.SizeOf<I2cTransaction>());
        Assert.Equal(0, CProbe.Offset<I2cTransaction>(nameof(I2cTransaction.Messages)));
        Assert.Equal(8, CProbe.Offset<I2cTransaction>(nameof(I2cTransaction.Count)));
        Assert.Equal(1, I2cMessage.Read);
    }

    [Fact]
    public void GpioV2StructsMatchGpioH()
    {
        Assert.Equal(16, Unsafe.SizeOf<GpioLineAttribute>());
        Assert.Equal(0, CProbe.Offset<GpioLineAttribute>(nameof(GpioLineAttribute.Id)));
        Assert.Equal(4, CProbe.Offset<GpioLineAttribute>(nameof(GpioLineAttribute.Padding)));
        Assert.Equal(8, CProbe.Offset<GpioLineAttribute>(nameof(GpioLineAttribute.Flags)));
        Assert.Equal(8, CProbe.Offset<GpioLineAttribute>(nameof(GpioLineAttribute.Values)));
        Assert.Equal(8, CProbe.Offset<GpioLineAttribute>(nameof(GpioLineAttribute.DebouncePeriodMicroseconds)));

        Assert.Equal(24, Unsafe.SizeOf<GpioLineConfigAttribute>());
        Assert.Equal(0, CProbe.Offset<GpioLineConfigAttribute>(nameof(GpioLineConfigAttribute.Attribute)));
        Assert.Equal(16, CProbe.Offset<GpioLineConfigAttribute>(nameof(GpioLineConfigAttribute.Mask)));

        Assert.Equal(240, Unsafe.SizeOf<GpioLineConfigAttributes>());
        Assert.Equal(272, Unsafe.SizeOf<GpioLineConfig>());
        Assert.Equal(0, CProbe.Offset<GpioLineConfig>(nameof(GpioLineConfig.Flags)));
        Assert.Equal(8, CProbe.Offset<GpioLineConfig>(nameof(GpioLineConfig.AttributeCount)));
        Assert.Equal(12, CProbe.Offset<GpioLineConfig>(nameof(GpioLineConfig.Padding)));
        Assert.Equal(32, CProbe.Offset<GpioLineConfig>(nameof(GpioLineConfig.Attributes)));

        Assert.Equal(592, Unsafe.SizeOf<GpioLineRequest>());
        Assert.Equal(0, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.Offsets)));
        Assert.Equal(256, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.Consumer)));
        Assert.Equal(288, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.Config)));
        Assert.Equal(560, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.LineCount)));
        Assert.Equal(564, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.EventBufferSize)));
        Assert.Equal(568, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.Padding)));
        Assert.Equal(588, CProbe.Offset<GpioLineRequest>(nameof(GpioLineRequest.Descriptor)));

        Assert.Equal(16, Unsafe.SizeOf<GpioLineValues>());
        Assert.Equal(0, CProbe.Offset<GpioLineValues>(nameof(GpioLineValues.Bits)));
        Assert.Equal(8, CProbe.Offset<GpioLineValues>(nameof(GpioLineValues.Mask)));

        Assert.Equal(48, Unsafe.SizeOf<GpioLineEvent>());
        Assert.Equal(0, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.TimestampNanoseconds)));
        Assert.Equal(8, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.Id)));
        Assert.Equal(12, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.Offset)));
        Assert.Equal(16, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.Sequence)));
        Assert.Equal(20, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.LineSequence)));
        Assert.Equal(24, CProbe.Offset<GpioLineEvent>(nameof(GpioLineEvent.Padding)));
    }

    [Fact]
    public void IoctlNumbersMatchTheHeaders()
    {
        // Printed by gcc from the headers' own macros.
        Assert.Equal(0x40206B00u, Spi.Message(1));
        Assert.Equal(0x40406B00u, Spi.Message(2));
        Assert.Equal(0x50006B00u, Spi.Message(128));
        Assert.Equal(0x7FE06B00u, Spi.Message(511));
        Assert.Equal(0x40016B01u, Spi.WriteMode);
        Assert.Equal(0x40046B05u, Spi.WriteMode32);
        Assert.Equal(0x40016B03u, Spi.WriteBitsPerWord);
        Assert.Equal(0x40046B04u, Spi.WriteMaxSpeedHz);
        Assert.Equal(0x0707u, I2c.ReadWrite);
        Assert.Equal(0x8044B401u, Gpio.GetChipInfo); // _IOR(0xB4, 0x01, struct gpiochip_info), 68 bytes
        Assert.Equal(68, System.Runtime.InteropServices.Marshal.SizeOf<GpioChipInformation>());
        Assert.Equal(0xC250B407u, Gpio.GetLine);
        Assert.Equal(0xC110B40Du, Gpio.SetConfig);
        Assert.Equal(0xC010B40Eu, Gpio.GetValues);
        Assert.Equal(0xC010B40Fu, Gpio.SetValues);
    }

    [Fact]
    public void SpiMessageStopsWhereTheSizeFieldOverflows()
    {
        // SPI_MSGSIZE(512) = 16384 does not fit 14 bits: the header then encodes size 0, which the kernel rejects.
        Assert.Equal(511, Spi.MaxSegmentsPerMessage);
        Assert.Throws<ArgumentOutOfRangeException>(() => Spi.Message(512));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spi.Message(0));
    }

    [Fact]
    public void GpioFlagsMatchGpioH()
    {
        Assert.Equal(0x4UL, Gpio.Input);
        Assert.Equal(0x8UL, Gpio.Output);
        Assert.Equal(0x10UL, Gpio.EdgeRising);
        Assert.Equal(0x20UL, Gpio.EdgeFalling);
        Assert.Equal(0x100UL, Gpio.BiasPullUp);
        Assert.Equal(0x200UL, Gpio.BiasPullDown);
        Assert.Equal(2u, GpioLineAttribute.OutputValuesId);
        Assert.Equal(1u, GpioLineEvent.RisingEdge);
        Assert.Equal(2u, GpioLineEvent.FallingEdge);
        Assert.Equal(10, GpioLineConfigAttributes.Count);
        Assert.Equal(64, GpioLineRequest.MaxLines);
        Assert.Equal(32, GpioLineRequest.MaxNameLength);
    }

    /// <summary>Every number above, printed by gcc from the installed kernel headers (skipped without a compiler).</summary>
    [Fact]
    public void GccAgreesWithTheBusLayoutsWhenGccIsInstalled()
    {
        string[] headers = ["/usr/include/linux/spi/spidev.h", "/usr/include/linux/i2c-dev.h", "/usr/include/linux/gpio.h"];
        if (CProbe.Compiler is null || !headers.All(File.Exists))
        {
            output.WriteLine("no C compiler or kernel headers: layouts checked against the hard-coded header values only");
            return;
        }

        var stdout = CProbe.Run("""
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/spi/spidev.h>
            #include <linux/i2c.h>
            #include <linux/i2c-dev.h>
            #include <linux/gpio.h>
            #define S(T) printf("%zu", sizeof(T))
            #define O(T, f) printf(" %zu", offsetof(T, f))
            #define NL printf("\n")
            int main(void) {
              S(struct spi_ioc_transfer); O(struct spi_ioc_transfer, tx_buf); O(struct spi_ioc_transfer, rx_buf);
              O(struct spi_ioc_transfer, len); O(struct spi_ioc_transfer, speed_hz); O(struct spi_ioc_transfer, delay_usecs);
              O(struct spi_ioc_transfer, bits_per_word); O(struct spi_ioc_transfer, cs_change); O(struct spi_ioc_transfer, tx_nbits);
              O(struct spi_ioc_transfer, rx_nbits); O(struct spi_ioc_transfer, word_delay_usecs); O(struct spi_ioc_transfer, pad); NL;
              S(struct i2c_msg); O(struct i2c_msg, addr); O(struct i2c_msg, flags); O(struct i2c_msg, len); O(struct i2c_msg, buf); NL;
              S(struct i2c_rdwr_ioctl_data); O(struct i2c_rdwr_ioctl_data, msgs); O(struct i2c_rdwr_ioctl_data, nmsgs); NL;
              S(struct gpio_v2_line_attribute); O(struct gpio_v2_line_attribute, flags); O(struct gpio_v2_line_attribute, values); O(struct gpio_v2_line_attribute, debounce_period_us); NL;
              S(struct gpio_v2_line_config_attribute); O(struct gpio_v2_line_config_attribute, mask); NL;
              S(struct gpio_v2_line_config); O(struct gpio_v2_line_config, num_attrs); O(struct gpio_v2_line_config, attrs); NL;
              S(struct gpio_v2_line_request); O(struct gpio_v2_line_request, consumer); O(struct gpio_v2_line_request, config);
              O(struct gpio_v2_line_request, num_lines); O(struct gpio_v2_line_request, event_buffer_size); O(struct gpio_v2_line_request, fd); NL;
              S(struct gpio_v2_line_values); O(struct gpio_v2_line_values, mask); NL;
              S(struct gpio_v2_line_event); O(struct gpio_v2_line_event, id); O(struct gpio_v2_line_event, offset);
              O(struct gpio_v2_line_event, seqno); O(struct gpio_v2_line_event, line_seqno); NL;
              printf("%lu %lu %lu %lu %lu %lu %lu %lu\n", (unsigned long)SPI_IOC_MESSAGE(1), (unsigned long)SPI_IOC_MESSAGE(2),
                (unsigned long)SPI_IOC_MESSAGE(128), (unsigned long)SPI_IOC_MESSAGE(511), (unsigned long)SPI_IOC_WR_MODE,
                (unsigned long)SPI_IOC_WR_MODE32, (unsigned long)SPI_IOC_WR_BITS_PER_WORD, (unsigned long)SPI_IOC_WR_MAX_SPEED_HZ);
              printf("%lu %d %d\n", (unsigned long)I2C_RDWR, I2C_M_RD, I2C_RDWR_IOCTL_MAX_MSGS);
              printf("%lu %lu %lu %lu\n", (unsigned long)GPIO_V2_GET_LINE_IOCTL, (unsigned long)GPIO_V2_LINE_SET_CONFIG_IOCTL,
                (unsigned long)GPIO_V2_LINE_GET_VALUES_IOCTL, (unsigned long)GPIO_V2_LINE_SET_VALUES_IOCTL);
              printf("%lu %lu %lu %lu %lu %lu %d %d %d %d %d %d\n", (unsigned long)GPIO_V2_LINE_FLAG_INPUT, (unsigned long)GPIO_V2_LINE_FLAG_OUTPUT,
                (unsigned long)GPIO_V2_LINE_FLAG_EDGE_RISING, (unsigned long)GPIO_V2_LINE_FLAG_EDGE_FALLING,
                (unsigned long)GPIO_V2_LINE_FLAG_BIAS_PULL_UP, (unsigned long)GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN,
                GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES, GPIO_V2_LINE_EVENT_RISING_EDGE, GPIO_V2_LINE_EVENT_FALLING_EDGE,
                GPIO_V2_LINE_NUM_ATTRS_MAX, GPIO_V2_LINES_MAX, GPIO_MAX_NAME_SIZE);
              return 0;
            }
            """);
        output.WriteLine(stdout);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("32 0 8 16 20 24 26 27 28 29 30 31", lines[0]);
        Assert.Equal($"{I2cMessage.Size} 0 2 4 8", lines[1]);
        Assert.Equal($"{I2cTransaction.Size} 0 8", lines[2]);
        Assert.Equal($"{GpioLineAttribute.Size} 8 8 8", lines[3]);
        Assert.Equal($"{GpioLineConfigAttribute.Size} 16", lines[4]);
        Assert.Equal($"{GpioLineConfig.Size} 8 32", lines[5]);
        Assert.Equal($"{GpioLineRequest.Size} 256 288 560 564 588", lines[6]);
        Assert.Equal($"{GpioLineValues.Size} 8", lines[7]);
        Assert.Equal($"{GpioLineEvent.Size} 8 12 16 20", lines[8]);
        Assert.Equal($"{Spi.Message(1)} {Spi.Message(2)} {Spi.Message(128)} {Spi.Message(511)} {Spi.WriteMode} {Spi.WriteMode32} {Spi.WriteBitsPerWord} {Spi.WriteMaxSpeedHz}", lines[9]);
        Assert.Equal($"{I2c.ReadWrite} {I2cMessage.Read} {I2c.MaxMessages}", lines[10]);
        Assert.Equal($"{Gpio.GetLine} {Gpio.SetConfig} {Gpio.GetValues} {Gpio.SetValues}", lines[11]);
        Assert.Equal($"{Gpio.Input} {Gpio.Output} {Gpio.EdgeRising} {Gpio.EdgeFalling} {Gpio.BiasPullUp} {Gpio.BiasPullDown} "
            + $"{GpioLineAttribute.OutputValuesId} {GpioLineEvent.RisingEdge} {GpioLineEvent.FallingEdge} "
            + $"{GpioLineConfigAttributes.Count} {GpioLineRequest.MaxLines} {GpioLineRequest.MaxNameLength}", lines[12]);
    }
}
