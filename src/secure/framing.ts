// What a record's plaintext holds: its first byte says what kind of record it is.
//   CONFIRM              the first record each way: proves both sides derived the same keys
//   CLOSE                the sender closes the channel normally
//   DATA | flags ...     a piece of a message:
//       START  the first record of a message: varint(total plaintext size) follows the type byte
//       END    the last record of the message
//       DEFLATE  (with START) the message's bytes travel through the channel's DEFLATE stream
//   A message of one record is DATA|START|END. Payload bytes follow the header.
export const enum RecordType {
  Confirm = 0x01,
  Close = 0x02,
  Data = 0x10,
}

export const enum DataFlag {
  Start = 0x01,
  End = 0x02,
  Deflate = 0x04,
}

export const DATA_MASK = 0xf0;
