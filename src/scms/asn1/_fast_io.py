"""Linear-time replacements for the bit buffers of asn1tools' OER codec.

asn1tools 0.169 keeps a whole encoding in one Python integer and shifts it on every read or append, so decoding
or encoding n bytes costs O(n^2) (a 1 MB CRL took about 30 s). These classes keep the same method names and
semantics over a bytearray and a bit position; the compiled asn1tools type nodes call them unchanged.
They also refuse, at the point of reading, length determinants that are not canonical or that exceed the input.
"""

from __future__ import annotations

from asn1tools.codecs import DecodeError, OutOfDataError
from asn1tools.codecs import oer as _oer

__all__: list[str] = []


class LengthError(DecodeError):  # type: ignore[misc]
    """A length determinant that is not canonical or that points past the end of the input."""

    def __init__(self, message: str, offset_bytes: int) -> None:
        super().__init__(message)
        self.offset_bytes = offset_bytes


class FastDecoder(_oer.Decoder):  # type: ignore[misc]
    def __init__(self, encoded: bytes | bytearray) -> None:  # no super().__init__(): no big integer
        self._data = bytearray(encoded)
        self._pos = 0  # bits read
        self.total_number_of_bits = 8 * len(encoded)

    # asn1tools reads `number_of_bits` as "bits left".
    @property
    def number_of_bits(self) -> int:
        return self.total_number_of_bits - self._pos

    def number_of_read_bits(self) -> int:
        return self._pos

    def align(self) -> None:
        self._pos = (self._pos + 7) & ~7

    def skip_bits(self, number_of_bits: int) -> None:
        self._need(number_of_bits)
        self._pos += number_of_bits

    def _need(self, number_of_bits: int) -> None:
        # asn1tools computes some sizes from the input (e.g. an extension bitmap of length 0 gives -8 bits).
        if number_of_bits < 0:
            raise LengthError("malformed length (negative size)", self._pos >> 3)
        if number_of_bits > self.total_number_of_bits - self._pos:
            raise OutOfDataError(self._pos)

    def peek_bit(self) -> int:
        self._need(1)
        return (self._data[self._pos >> 3] >> (7 - (self._pos & 7))) & 1

    def clear_bit(self) -> None:
        self._data[self._pos >> 3] &= ~(0x80 >> (self._pos & 7)) & 0xFF

    def read_bit(self) -> int:
        pos = self._pos
        if pos >= self.total_number_of_bits:
            raise OutOfDataError(pos)
        self._pos = pos + 1
        return (self._data[pos >> 3] >> (7 - (pos & 7))) & 1

    def read_byte(self) -> int:
        pos = self._pos
        if pos & 7 or pos + 8 > self.total_number_of_bits:
            return self.read_non_negative_binary_integer(8)
        self._pos = pos + 8
        return self._data[pos >> 3]

    def read_non_negative_binary_integer(self, number_of_bits: int) -> int:
        if number_of_bits == 0:
            return 0
        self._need(number_of_bits)
        start, end = self._pos, self._pos + number_of_bits
        if not (start & 7 or end & 7):
            value = int.from_bytes(self._data[start >> 3 : end >> 3], "big")
        else:
            first, last = start >> 3, (end + 7) >> 3
            chunk = int.from_bytes(self._data[first:last], "big")
            value = (chunk >> (8 * last - end)) & ((1 << number_of_bits) - 1)
        self._pos = end
        return value

    def read_bits(self, number_of_bits: int) -> bytes:
        if not (self._pos & 7 or number_of_bits & 7):
            self._need(number_of_bits)
            start = self._pos >> 3
            self._pos += number_of_bits
            return bytes(self._data[start : start + (number_of_bits >> 3)])
        value = self.read_non_negative_binary_integer(number_of_bits)
        return (value << (-number_of_bits % 8)).to_bytes((number_of_bits + 7) // 8, "big")

    def read_bytes(self, number_of_bytes: int) -> bytes:
        return self.read_bits(8 * number_of_bytes)

    def read_length_determinant(self) -> int:
        # X.696 8.6: short form below 128, else 0x80|n followed by the n-octet length, minimal.
        start = self._pos >> 3
        first = self.read_byte()
        if not first & 0x80:
            value = first
        else:
            size = first & 0x7F
            if size == 0:
                raise LengthError("length determinant with no length octets", start)
            if size > self.number_of_bits // 8:
                raise OutOfDataError(self._pos)
            value = self.read_non_negative_binary_integer(8 * size)
            if value < 128 or value.bit_length() <= 8 * (size - 1):
                raise LengthError(f"non-canonical length determinant ({size} octets for {value})", start)
        if value > self.number_of_bits // 8:
            raise LengthError(f"length {value} exceeds the {self.number_of_bits // 8} bytes left", start)
        return value


class FastEncoder(_oer.Encoder):  # type: ignore[misc]
    def __init__(self) -> None:  # no super().__init__(): no big integer
        self._buf = bytearray()
        self._acc = 0  # pending bits, fewer than 8 after every call
        self._nacc = 0

    @property
    def number_of_bits(self) -> int:
        return 8 * len(self._buf) + self._nacc

    @property
    def value(self) -> int:  # read by asn1tools' own Encoder.__iadd__
        return (int.from_bytes(self._buf, "big") << self._nacc) | self._acc

    def number_of_bytes(self) -> int:
        return (self.number_of_bits + 7) // 8

    def _flush(self) -> None:
        whole, rest = divmod(self._nacc, 8)
        if whole:
            self._buf += (self._acc >> rest).to_bytes(whole, "big")
            self._acc &= (1 << rest) - 1
            self._nacc = rest

    def append_non_negative_binary_integer(self, value: int, number_of_bits: int) -> None:
        if not (self._nacc or number_of_bits & 7):
            self._buf += value.to_bytes(number_of_bits >> 3, "big")
            return
        self._acc = (self._acc << number_of_bits) | value
        self._nacc += number_of_bits
        if self._nacc >= 8:
            self._flush()

    def append_bit(self, bit: int) -> None:
        self.append_non_negative_binary_integer(bit, 1)

    def append_u8(self, value: int) -> None:
        if self._nacc:
            self.append_non_negative_binary_integer(value, 8)
        else:
            self._buf.append(value)

    def append_length_determinant(self, value: int) -> None:
        if value < 128 and not self._nacc:
            self._buf.append(value)
        else:
            super().append_length_determinant(value)

    def append_bytes(self, data: bytes | bytearray) -> None:
        if self._nacc == 0:
            self._buf += data
        else:
            self.append_non_negative_binary_integer(int.from_bytes(data, "big"), 8 * len(data))

    def append_bits(self, data: bytes | bytearray, number_of_bits: int) -> None:
        if number_of_bits == 0:
            return
        if number_of_bits & 7 == 0:
            self.append_bytes(bytes(data[: number_of_bits >> 3]))
            return
        value = int.from_bytes(data, "big") >> (8 * len(data) - number_of_bits)
        self.append_non_negative_binary_integer(value, number_of_bits)

    def align(self) -> None:
        if self._nacc:
            self.append_non_negative_binary_integer(0, 8 - self._nacc)

    def set_bit(self, offset: int) -> None:
        if offset < 8 * len(self._buf):
            self._buf[offset >> 3] |= 0x80 >> (offset & 7)
        else:
            self._acc |= 1 << (self._nacc - (offset - 8 * len(self._buf)) - 1)

    def __iadd__(self, other: _oer.Encoder) -> FastEncoder:
        if isinstance(other, FastEncoder) and other._nacc == 0:
            self.append_bytes(other._buf)
        else:
            self.append_non_negative_binary_integer(other.value, other.number_of_bits)
        return self

    def as_bytearray(self) -> bytearray:
        out = bytearray(self._buf)
        if self._nacc:
            out.append((self._acc << (8 - self._nacc)) & 0xFF)
        return out
