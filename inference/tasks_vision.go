package inference

import (
	"context"
	"fmt"
	"image"
)

// mediaSlot marks where, inside a JSON "inputs" object, the binary input
// goes once loaded (base64 for hf-inference).
type mediaSlot struct{}

// ImageClassification labels an image, best label first.
func (c *Client) ImageClassification(ctx context.Context, img Media, p *ImageClassificationParameters, opts ...CallOption) ([]ImageClassificationOutputElement, error) {
	return runList[ImageClassificationOutputElement](ctx, c, TaskImageClassification, taskInput{media: &img}, p, opts)
}

// ImageSegmentation finds the segments of an image, each with a label and
// a mask ([ImageSegmentationOutputElement.MaskImage] decodes it).
func (c *Client) ImageSegmentation(ctx context.Context, img Media, p *ImageSegmentationParameters, opts ...CallOption) ([]ImageSegmentationOutputElement, error) {
	return runList[ImageSegmentationOutputElement](ctx, c, TaskImageSegmentation, taskInput{media: &img}, p, opts)
}

// MaskImage decodes the segment's mask, a base64 image (optionally a data
// URL).
func (e *ImageSegmentationOutputElement) MaskImage() (image.Image, error) {
	b, err := decodeBase64Media(e.Mask)
	if err != nil {
		return nil, fmt.Errorf("inference: mask of segment %q is not base64: %w", e.Label, err)
	}
	return (&Blob{Data: b, ContentType: sniff(b)}).Image()
}

// ObjectDetection finds objects in an image, each with a label, a score
// and a bounding box.
func (c *Client) ObjectDetection(ctx context.Context, img Media, p *ObjectDetectionParameters, opts ...CallOption) ([]ObjectDetectionOutputElement, error) {
	return runList[ObjectDetectionOutputElement](ctx, c, TaskObjectDetection, taskInput{media: &img}, p, opts)
}

// ImageToText describes an image in words (captioning).
func (c *Client) ImageToText(ctx context.Context, img Media, p *ImageToTextParameters, opts ...CallOption) (*ImageToTextOutput, error) {
	return runOne[ImageToTextOutput](ctx, c, TaskImageToText, taskInput{media: &img}, p, opts)
}

// ImageToImage transforms an image, usually following p.Prompt, and
// returns the new image.
func (c *Client) ImageToImage(ctx context.Context, img Media, p *ImageToImageParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskImageToImage, taskInput{media: &img}, p, opts)
}

// ImageToVideo animates an image, usually following p.Prompt, and returns
// the video.
func (c *Client) ImageToVideo(ctx context.Context, img Media, p *ImageToVideoParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskImageToVideo, taskInput{media: &img}, p, opts)
}

// ImageTextToImage draws an image following p.Prompt, from an input image
// when img holds one: a zero Media (Media{}) asks for the prompt alone.
func (c *Client) ImageTextToImage(ctx context.Context, img Media, p *ImageTextToImageParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskImageTextToImage, optionalMedia(img), p, opts)
}

// ImageTextToVideo films p.Prompt, starting from an input image when img
// holds one: a zero Media (Media{}) asks for the prompt alone.
func (c *Client) ImageTextToVideo(ctx context.Context, img Media, p *ImageTextToVideoParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskImageTextToVideo, optionalMedia(img), p, opts)
}

// optionalMedia is the input of a task whose image may be left out.
func optionalMedia(img Media) taskInput {
	if img.IsZero() {
		return taskInput{}
	}
	return taskInput{media: &img}
}

// TextToImage draws prompt and returns the image.
func (c *Client) TextToImage(ctx context.Context, prompt string, p *TextToImageParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskTextToImage, taskInput{inputs: prompt}, p, opts)
}

// TextToVideo films prompt and returns the video.
func (c *Client) TextToVideo(ctx context.Context, prompt string, p *TextToVideoParameters, opts ...CallOption) (*Blob, error) {
	return c.runBlob(ctx, TaskTextToVideo, taskInput{inputs: prompt}, p, opts)
}

// VisualQuestionAnswering answers question about an image, best answer
// first.
func (c *Client) VisualQuestionAnswering(ctx context.Context, img Media, question string, p *VisualQuestionAnsweringParameters, opts ...CallOption) ([]VisualQuestionAnsweringOutputElement, error) {
	in := map[string]any{"question": question, "image": mediaSlot{}}
	return runListOrOne[VisualQuestionAnsweringOutputElement](ctx, c, TaskVisualQuestionAnswering, taskInput{inputs: in, media: &img}, p, opts)
}

// DocumentQuestionAnswering answers question about a document image (a
// scanned page, an invoice), best answer first.
func (c *Client) DocumentQuestionAnswering(ctx context.Context, img Media, question string, p *DocumentQuestionAnsweringParameters, opts ...CallOption) ([]DocumentQuestionAnsweringOutputElement, error) {
	in := map[string]any{"question": question, "image": mediaSlot{}}
	return runListOrOne[DocumentQuestionAnsweringOutputElement](ctx, c, TaskDocumentQuestionAnswering, taskInput{inputs: in, media: &img}, p, opts)
}

// ZeroShotImageClassification scores an image against labels the caller
// chooses (p.CandidateLabels, required), best label first.
func (c *Client) ZeroShotImageClassification(ctx context.Context, img Media, p *ZeroShotImageClassificationParameters, opts ...CallOption) ([]ZeroShotImageClassificationOutputElement, error) {
	if p == nil || len(p.CandidateLabels) == 0 {
		return nil, errNeed(TaskZeroShotImageClassification, "candidate labels")
	}
	return runList[ZeroShotImageClassificationOutputElement](ctx, c, TaskZeroShotImageClassification, taskInput{media: &img}, p, opts)
}

// errNeed reports a missing required argument.
func errNeed(task Task, what string) error {
	return fmt.Errorf("%w: %s needs %s", ErrInvalidOption, task, what)
}
