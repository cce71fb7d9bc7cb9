// The receiver lives in @rc/testing (the checkout benchmark exports to it too).
export { OtlpReceiver, type ReceivedSpan } from '@rc/testing';
